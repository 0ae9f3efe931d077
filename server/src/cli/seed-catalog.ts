import type { AppDatabase } from "../db/client.ts";
import { adminServices } from "../admin/admin-services.ts";

/** For tests: a catalog using every field `config export` writes, built through the admin services. */
export async function seedCatalog(db: AppDatabase): Promise<void> {
  const services = adminServices(db);
  const openai = await services.providers.create({
    name: "openai",
    type: "openai",
    baseUrl: "https://api.openai.com/v1/",
    apiKeys: ["sk-openai-first-key-aaaa", "sk-openai-second-key-bbbb"],
    headers: { "OpenAI-Organization": "org-plain", "X-Api-Key": "secret-header-value-1234" },
    consoleUrl: "https://platform.openai.com",
    endpoints: ["chat", "embeddings"],
    errorMatch: "upstream error",
    requestsPerMinute: 600,
    keyMaxConcurrent: 4,
  });
  const anthropic = await services.providers.create({
    name: "anthropic",
    type: "anthropic",
    baseUrl: "https://api.anthropic.com",
    apiKey: "sk-ant-only-key-cccc",
    enabled: false,
  });
  const gpt = await services.models.create({
    name: "gpt-4o",
    remark: "main model",
    strategy: "priority",
    maxRetry: 2,
    timeoutMs: 30_000,
    aliases: ["gpt-4o-*", "default"],
    stickySeconds: 0,
  });
  const claude = await services.models.create({ name: "claude-sonnet", totalTimeoutMs: 90_000, streamIdleTimeoutMs: 45_000 });
  await services.associations.create({
    modelId: gpt.id,
    providerId: openai.id,
    providerModel: "gpt-4o-2024-08-06",
    weight: 3,
    priceInput: 2.5,
    priceCachedInput: 1.25,
    priceOutput: 10,
  });
  await services.associations.create({ modelId: gpt.id, providerId: anthropic.id, providerModel: "claude-sonnet-4-5", vision: false, weight: 0 });
  await services.associations.create({ modelId: claude.id, providerId: anthropic.id, providerModel: "claude-sonnet-4-5", toolCall: false, structuredOutput: false });
  await services.models.pin(gpt.id, openai.id);
  await services.authKeys.create({ name: "ci", allowedModels: ["gpt-4o", "claude-*"], expiresAt: Date.parse("2030-01-31T00:00:00Z"), requestQuota: 1000 });
  await services.authKeys.create({ name: "laptop", tokenQuota: 5_000_000, enabled: false });
}
