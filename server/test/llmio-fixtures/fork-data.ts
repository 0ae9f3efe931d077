/**
 * The fork (raciott/llmio) fixture's rows for PostgreSQL or MySQL, and what they mean. Flags are
 * INTEGER 0/1, JSON is TEXT, durations are milliseconds, times are Dates (the SQL client writes
 * them). The MySQL layout (4a31949) has no models.status, chat_logs.total_cost or model_prices.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SeededRandom } from "./deterministic.ts";
import type {
  FixtureOptions,
  FixtureTableCount,
  ForkAssociationExpectation,
  ForkFixture,
  ForkKeyExpectation,
  ForkModelExpectation,
  ForkModelPriceExpectation,
  ForkProviderExpectation,
  ForkProviderType,
} from "./fixture-types.ts";
import { FORK_MYSQL_TABLES, FORK_POSTGRES_TABLES, type ForkPostgresTable } from "./fork-schema.ts";

export type ForkCell = string | number | Date | null;
export type ForkRow = Record<string, ForkCell>;
export type ForkDialect = "postgres" | "mysql";

/** The fork's key prefix (consts.KeyPrefix), as it generates keys. */
export const FORK_KEY_PREFIX = "sk-github.com/racio/llmio-";

interface ProviderSpec {
  id: number;
  name: string;
  type: ForkProviderType;
  realHost: string;
  path: string;
  apiKey: string;
  version?: string;
  console: string;
  rpmLimit: number;
  ipLockMinutes: number;
  deleted?: boolean;
}

const PROVIDERS: ProviderSpec[] = [
  { id: 1, name: "openai", type: "openai", realHost: "https://api.openai.com", path: "/v1", apiKey: "sk-fork-openai-A1b2", console: "https://platform.openai.com/usage", rpmLimit: 60, ipLockMinutes: 0 },
  { id: 2, name: "codex-中转", type: "codex", realHost: "https://relay.example.cn", path: "/v1", apiKey: "sk-fork-codex-C3d4", console: "", rpmLimit: 0, ipLockMinutes: 30 },
  { id: 3, name: "anthropic-官方", type: "anthropic", realHost: "https://api.anthropic.com", path: "/v1", apiKey: "sk-ant-fork-E5f6", version: "2023-01-01", console: "https://console.anthropic.com/settings/billing", rpmLimit: 120, ipLockMinutes: 10 },
  { id: 4, name: "gemini", type: "gemini", realHost: "https://generativelanguage.googleapis.com", path: "/v1beta", apiKey: "AIzaForkGeminiKey-G7h8", console: "", rpmLimit: 0, ipLockMinutes: 0 },
  { id: 5, name: "旧供应商", type: "openai", realHost: "https://old-relay.example.com", path: "/v1", apiKey: "sk-fork-retired-I9j0", console: "", rpmLimit: 10, ipLockMinutes: 5, deleted: true },
];

type ModelSpec = Omit<ForkModelExpectation, "enabled"> & { enabled: boolean; deleted?: boolean };

const MODELS: ModelSpec[] = [
  { id: 1, name: "gpt-4o", remark: "主力模型 🚀", maxRetry: 3, timeOutSeconds: 60, ioLog: true, strategy: "lottery", breaker: true, enabled: true },
  { id: 2, name: "claude-sonnet", remark: "", maxRetry: 2, timeOutSeconds: 120, ioLog: false, strategy: "rotor", breaker: false, enabled: true },
  { id: 3, name: "深度思考", remark: "中文推理模型", maxRetry: 5, timeOutSeconds: 300, ioLog: false, strategy: "lottery", breaker: true, enabled: true },
  { id: 4, name: "gpt-5-codex", remark: "codex", maxRetry: 1, timeOutSeconds: 90, ioLog: false, strategy: "lottery", breaker: false, enabled: true },
  { id: 5, name: "disabled-model", remark: "停用的模型", maxRetry: 3, timeOutSeconds: 60, ioLog: false, strategy: "lottery", breaker: false, enabled: false },
  { id: 6, name: "deprecated-model", remark: "retired", maxRetry: 3, timeOutSeconds: 60, ioLog: false, strategy: "lottery", breaker: false, enabled: true, deleted: true },
];

type AssociationSpec = Omit<ForkAssociationExpectation, "modelName" | "providerName"> & { modelId: number; providerId: number; deleted?: boolean };

const ASSOCIATIONS: AssociationSpec[] = [
  { id: 1, modelId: 1, providerId: 1, providerModel: "gpt-4o-2024-08-06", toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true, customerHeaders: { "X-Team": "fork" }, weight: 10 },
  { id: 2, modelId: 1, providerId: 2, providerModel: "gpt-4o", toolCall: false, structuredOutput: false, image: false, withHeader: true, enabled: false, customerHeaders: {}, weight: 5 },
  { id: 3, modelId: 2, providerId: 3, providerModel: "claude-sonnet-4-5", toolCall: true, structuredOutput: false, image: true, withHeader: true, enabled: true, customerHeaders: { "anthropic-beta": "prompt-caching-2024-07-31" }, weight: 1 },
  { id: 4, modelId: 3, providerId: 1, providerModel: "o3", toolCall: true, structuredOutput: true, image: false, withHeader: false, enabled: true, customerHeaders: {}, weight: 2 },
  { id: 5, modelId: 4, providerId: 2, providerModel: "gpt-5-codex", toolCall: true, structuredOutput: true, image: false, withHeader: false, enabled: true, customerHeaders: {}, weight: 1 },
  { id: 6, modelId: 5, providerId: 4, providerModel: "gemini-2.0-flash", toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true, customerHeaders: {}, weight: 1 },
  { id: 7, modelId: 1, providerId: 5, providerModel: "gpt-4o", toolCall: true, structuredOutput: true, image: true, withHeader: false, enabled: true, customerHeaders: {}, weight: 2, deleted: true },
  // Live, but its model is soft-deleted.
  { id: 8, modelId: 6, providerId: 1, providerModel: "gpt-3.5-turbo", toolCall: false, structuredOutput: false, image: false, withHeader: false, enabled: true, customerHeaders: {}, weight: 1 },
];

interface KeySpec {
  id: number;
  name: string;
  prefix: string;
  enabled: boolean;
  allowAll: boolean;
  models: string[];
  expiresInMs: number | null;
  usageCount: number;
  lastUsedAgoMs: number | null;
  deleted?: boolean;
}

const KEYS: KeySpec[] = [
  { id: 1, name: "laptop-全部", prefix: FORK_KEY_PREFIX, enabled: true, allowAll: true, models: [], expiresInMs: null, usageCount: 500, lastUsedAgoMs: HOUR_MS },
  { id: 2, name: "vscode-plugin", prefix: FORK_KEY_PREFIX, enabled: true, allowAll: false, models: ["gpt-4o", "深度思考"], expiresInMs: 180 * DAY_MS, usageCount: 42, lastUsedAgoMs: 2 * DAY_MS },
  { id: 3, name: "disabled-ci", prefix: FORK_KEY_PREFIX, enabled: false, allowAll: true, models: [], expiresInMs: null, usageCount: 0, lastUsedAgoMs: null },
  { id: 4, name: "expired-contractor", prefix: FORK_KEY_PREFIX, enabled: true, allowAll: false, models: ["claude-sonnet"], expiresInMs: -3 * DAY_MS, usageCount: 9, lastUsedAgoMs: 5 * DAY_MS },
  // Carried over from upstream LLMIO when the operator moved to the fork.
  { id: 5, name: "migrated-from-llmio", prefix: "sk-llmio-", enabled: true, allowAll: true, models: [], expiresInMs: null, usageCount: 1200, lastUsedAgoMs: 30 * MINUTE_MS },
  { id: 6, name: "deleted-key", prefix: FORK_KEY_PREFIX, enabled: true, allowAll: true, models: [], expiresInMs: null, usageCount: 3, lastUsedAgoMs: 40 * DAY_MS, deleted: true },
];

const PRICES: Array<ForkModelPriceExpectation & { deleted?: boolean }> = [
  { modelId: "gpt-4o", provider: "openai", input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
  { modelId: "claude-sonnet-4-5", provider: "anthropic", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  { modelId: "o3", provider: "openai", input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
  { modelId: "gpt-5-codex", provider: "openai", input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 },
  { modelId: "gpt-3.5-turbo", provider: "openai", input: 0.5, output: 1.5, cacheRead: 0, cacheWrite: 0, deleted: true },
];

const flag = (value: boolean) => (value ? 1 : 0);

export interface ForkFixtureRows {
  /** Tables in insert order (parents first); MySQL omits model_prices. */
  rows: Partial<Record<ForkPostgresTable, ForkRow[]>>;
  description: Omit<ForkFixture, "databaseUrl">;
}

export function buildForkFixtureRows(dialect: ForkDialect, options: FixtureOptions = {}): ForkFixtureRows {
  const postgres = dialect === "postgres";
  const now = options.now ?? new Date();
  const random = new SeededRandom(4_31949);
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const deletedAt = ago(10 * DAY_MS);
  const stamps = (createdAgoMs: number, deleted = false) => ({
    created_at: ago(createdAgoMs),
    updated_at: ago(createdAgoMs - HOUR_MS),
    deleted_at: deleted ? deletedAt : null,
  });
  const baseUrl = (spec: ProviderSpec) => `${options.upstreamUrl ?? spec.realHost}${spec.path}`;

  const providerRows: ForkRow[] = PROVIDERS.map((spec) => ({
    id: spec.id,
    name: spec.name,
    type: spec.type,
    config: JSON.stringify({ base_url: baseUrl(spec), api_key: spec.apiKey, ...(spec.version ? { version: spec.version } : {}) }),
    console: spec.console,
    rpm_limit: spec.rpmLimit,
    ip_lock_minutes: spec.ipLockMinutes,
    ...stamps((120 - spec.id) * DAY_MS, spec.deleted),
  }));
  const providers: ForkProviderExpectation[] = PROVIDERS.filter((spec) => !spec.deleted).map((spec) => ({
    id: spec.id,
    name: spec.name,
    type: spec.type,
    baseUrl: baseUrl(spec),
    apiKey: spec.apiKey,
    version: spec.version ?? null,
    console: spec.console,
    rpmLimit: spec.rpmLimit,
    ipLockMinutes: spec.ipLockMinutes,
  }));

  const modelRows: ForkRow[] = MODELS.map((model) => ({
    id: model.id,
    name: model.name,
    remark: model.remark,
    max_retry: model.maxRetry,
    time_out: model.timeOutSeconds,
    io_log: flag(model.ioLog),
    strategy: model.strategy,
    breaker: flag(model.breaker),
    ...(postgres ? { status: flag(model.enabled) } : {}),
    ...stamps((110 - model.id) * DAY_MS, model.deleted),
  }));
  const models: ForkModelExpectation[] = MODELS.filter((model) => !model.deleted).map(({ deleted: _, enabled, ...model }) => ({
    ...model,
    enabled: postgres ? enabled : null,
  }));

  const providerById = new Map(PROVIDERS.map((spec) => [spec.id, spec]));
  const modelById = new Map(MODELS.map((model) => [model.id, model]));
  const associationRows: ForkRow[] = ASSOCIATIONS.map((association) => ({
    id: association.id,
    model_id: association.modelId,
    provider_id: association.providerId,
    provider_model: association.providerModel,
    tool_call: flag(association.toolCall),
    structured_output: flag(association.structuredOutput),
    image: flag(association.image),
    with_header: flag(association.withHeader),
    status: flag(association.enabled),
    customer_headers: JSON.stringify(association.customerHeaders),
    weight: association.weight,
    ...stamps((100 - association.id) * DAY_MS),
    ...(association.deleted ? { deleted_at: deletedAt } : {}),
  }));
  const associationName = (association: AssociationSpec) =>
    `${modelById.get(association.modelId)!.name} → ${providerById.get(association.providerId)!.name}/${association.providerModel}`;
  const usable = (association: AssociationSpec) =>
    !association.deleted && !modelById.get(association.modelId)!.deleted && !providerById.get(association.providerId)!.deleted;
  const associations: ForkAssociationExpectation[] = ASSOCIATIONS.filter(usable).map(({ modelId, providerId, deleted: _, ...rest }) => ({
    ...rest,
    modelName: modelById.get(modelId)!.name,
    providerName: providerById.get(providerId)!.name,
  }));

  const keyRandom = new SeededRandom(65_866);
  const secrets = new Map(KEYS.map((spec) => [spec.id, `${spec.prefix}${keyRandom.chars(32)}`]));
  const expiry = (spec: KeySpec) => (spec.expiresInMs === null ? null : new Date(now.getTime() + spec.expiresInMs));
  const keyRows: ForkRow[] = KEYS.map((spec) => ({
    id: spec.id,
    name: spec.name,
    key: secrets.get(spec.id)!,
    status: flag(spec.enabled),
    allow_all: flag(spec.allowAll),
    models: JSON.stringify(spec.models),
    expires_at: expiry(spec),
    usage_count: spec.usageCount,
    last_used_at: spec.lastUsedAgoMs === null ? null : ago(spec.lastUsedAgoMs),
    ...stamps((90 - spec.id) * DAY_MS, spec.deleted),
  }));
  const authKeys: ForkKeyExpectation[] = KEYS.filter((spec) => !spec.deleted).map((spec) => ({
    id: spec.id,
    name: spec.name,
    key: secrets.get(spec.id)!,
    enabled: spec.enabled,
    allowAll: spec.allowAll,
    models: spec.models,
    expiresAt: expiry(spec),
    expired: spec.expiresInMs !== null && spec.expiresInMs < 0,
    usageCount: spec.usageCount,
    lastUsedAt: spec.lastUsedAgoMs === null ? null : ago(spec.lastUsedAgoMs),
  }));

  const anthropic = PROVIDERS.find((spec) => spec.type === "anthropic")!;
  const anthropicCountTokens = { baseUrl: baseUrl(anthropic), apiKey: "sk-ant-fork-count-K1l2", version: "2023-06-01" };
  const anthropicProxyIp = postgres ? { enabled: true, proxyIp: "203.0.113.7" } : null;
  const modelPriceSync = postgres ? { enabled: true, intervalMinutes: 1440, sourceUrl: "https://models.dev/api.json" } : null;
  const firstDeployTime = postgres ? ago(126 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z") : null;
  const configRows: ForkRow[] = [
    {
      id: 1,
      key: "anthropic_count_tokens",
      value: JSON.stringify({ base_url: anthropicCountTokens.baseUrl, api_key: anthropicCountTokens.apiKey, version: anthropicCountTokens.version }),
      ...stamps(100 * DAY_MS),
    },
  ];
  if (postgres) {
    configRows.push(
      { id: 2, key: "anthropic_proxy_ip", value: JSON.stringify({ enabled: true, proxy_ip: anthropicProxyIp!.proxyIp }), ...stamps(50 * DAY_MS) },
      {
        id: 3,
        key: "model_price_sync",
        value: JSON.stringify({ enabled: true, interval_minutes: modelPriceSync!.intervalMinutes, source_url: modelPriceSync!.sourceUrl }),
        ...stamps(50 * DAY_MS),
      },
      { id: 4, key: "first_deploy_time", value: firstDeployTime!, ...stamps(126 * DAY_MS) },
      // Soft-deleted (its key is unique, so it is not a second copy of a live setting).
      { id: 5, key: "legacy_banner", value: "欢迎", ...stamps(120 * DAY_MS, true) },
    );
  }

  const priceRows: ForkRow[] = PRICES.map((price, index) => ({
    id: index + 1,
    model_id: price.modelId,
    provider: price.provider,
    input: price.input,
    output: price.output,
    cache_read: price.cacheRead,
    cache_write: price.cacheWrite,
    ...stamps(7 * DAY_MS, price.deleted),
  }));
  const modelPrices = postgres ? PRICES.filter((price) => !price.deleted).map(({ deleted: _, ...price }) => price) : [];

  const logs = buildForkLogs(now, random, postgres, providerById, modelById);

  const rows: Partial<Record<ForkPostgresTable, ForkRow[]>> = {
    providers: providerRows,
    models: modelRows,
    model_with_providers: associationRows,
    auth_keys: keyRows,
    configs: configRows,
    ...(postgres ? { model_prices: priceRows } : {}),
    chat_logs: logs.rows,
    chat_io: logs.bodyRows,
  };
  const tableNames: readonly ForkPostgresTable[] = postgres ? FORK_POSTGRES_TABLES : FORK_MYSQL_TABLES;
  const tables = Object.fromEntries(
    tableNames.map((table): [ForkPostgresTable, FixtureTableCount] => [
      table,
      { rows: rows[table]!.length, deleted: rows[table]!.filter((row) => row.deleted_at !== null).length },
    ]),
  );
  const keyNames = { allModels: KEYS[0].name, limited: KEYS[1].name, disabled: KEYS[2].name, expired: KEYS[3].name, deleted: KEYS[5].name };
  return {
    rows,
    description: {
      variant: "llmio-fork",
      dialect,
      now,
      upstreamUrl: options.upstreamUrl ?? null,
      providers,
      models,
      associations,
      authKeys,
      modelPrices,
      orphanRows: ASSOCIATIONS.filter((association) => !association.deleted && !usable(association)).map((association) => ({
        table: "model_with_providers",
        id: association.id,
        name: associationName(association),
        reason: "its model is soft-deleted",
      })),
      deleted: {
        providers: PROVIDERS.filter((spec) => spec.deleted).map((spec) => spec.name),
        models: MODELS.filter((model) => model.deleted).map((model) => model.name),
        associations: ASSOCIATIONS.filter((association) => association.deleted).map(associationName),
        authKeys: KEYS.filter((spec) => spec.deleted).map((spec) => spec.name),
        configs: postgres ? ["legacy_banner"] : [],
        chatLogIds: logs.deletedIds,
        modelPrices: postgres ? PRICES.filter((price) => price.deleted).map((price) => price.modelId) : [],
      },
      tables,
      keySecrets: Object.fromEntries(authKeys.map((key) => [key.name, key.key])),
      deletedKeySecrets: Object.fromEntries(KEYS.filter((spec) => spec.deleted).map((spec) => [spec.name, secrets.get(spec.id)!])),
      keyNames,
      expiredKeyName: keyNames.expired,
      disabledModelName: postgres ? MODELS.find((model) => !model.enabled && !model.deleted)!.name : null,
      configs: { anthropicCountTokens, anthropicProxyIp, modelPriceSync, firstDeployTime },
      logs: logs.description,
    },
  };
}

const LOG_REQUESTS = 130;
const LOG_KEY_IDS = [1, 2, 5, 4, 0, 6, 1, 5];

function buildForkLogs(
  now: Date,
  random: SeededRandom,
  postgres: boolean,
  providerById: Map<number, ProviderSpec>,
  modelById: Map<number, ModelSpec>,
): { rows: ForkRow[]; bodyRows: ForkRow[]; deletedIds: number[]; description: ForkFixture["logs"] } {
  const rows: ForkRow[] = [];
  const bodyRows: ForkRow[] = [];
  const priceOf = new Map(PRICES.map((price) => [price.modelId, price]));
  const spanMs = 89 * DAY_MS;
  for (let request = 0; request < LOG_REQUESTS; request++) {
    const start = now.getTime() - spanMs + Math.floor((request * spanMs) / LOG_REQUESTS) + random.int(0, 5 * 60_000);
    const association = ASSOCIATIONS[(request * 5 + random.int(0, 1)) % ASSOCIATIONS.length];
    const model = modelById.get(association.modelId)!;
    const provider = providerById.get(association.providerId)!;
    const embeddings = provider.type === "openai" && request % 23 === 11;
    const style = embeddings ? "openai-embeddings" : provider.type;
    const keyId = LOG_KEY_IDS[request % LOG_KEY_IDS.length];
    const outcomes: Array<"success" | "error"> = request % 10 === 3 ? ["error", "error", "success"] : request % 8 === 0 ? ["error"] : ["success"];
    let at = start;
    outcomes.forEach((status, retry) => {
      const id = rows.length + 1;
      const success = status === "success";
      const promptTokens = success ? random.int(50, 5000) : 0;
      const completionTokens = success && !embeddings ? random.int(10, 800) : 0;
      const cachedTokens = success && id % 4 === 0 ? Math.floor(promptTokens / 2) : 0;
      const proxyMs = random.int(50, 1500);
      const firstChunkMs = success ? random.int(150, 2500) : 0;
      const chunkMs = success ? firstChunkMs + random.int(200, 15_000) : 0;
      const price = priceOf.get(association.providerModel);
      const cost = price && !price.deleted ? (promptTokens * price.input + completionTokens * price.output) / 1_000_000 : 0;
      const createdAt = new Date(at);
      rows.push({
        id,
        uuid: random.chars(36),
        name: model.name,
        provider_model: association.providerModel,
        provider_name: provider.name,
        status,
        style,
        user_agent: random.pick(["claude-cli/1.0.98 (external, cli)", "OpenAI/Python 1.99.9", "codex_cli_rs/0.30.0", "Cherry Studio/1.5.3 (中文版)"]),
        remote_ip: random.pick(["192.168.1.23", "10.0.0.7", "2001:db8::42"]),
        auth_key_id: keyId,
        chat_io: flag(model.ioLog),
        error: success ? "" : 'status: 429, body: {"error":{"message":"请求过于频繁"}}',
        retry,
        proxy_time_ms: proxyMs,
        first_chunk_time_ms: firstChunkMs,
        chunk_time_ms: chunkMs,
        tps: success && chunkMs > 0 ? Math.round((completionTokens / (chunkMs / 1000)) * 100) / 100 : 0,
        size: success ? completionTokens * 4 + 300 : 0,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: JSON.stringify({ cached_tokens: cachedTokens, audio_tokens: 0 }),
        ...(postgres ? { total_cost: cost } : {}),
        created_at: createdAt,
        updated_at: new Date(at + proxyMs + chunkMs),
        deleted_at: null,
      });
      if (model.ioLog) {
        const stream = request % 2 === 0;
        bodyRows.push({
          id: bodyRows.length + 1,
          log_id: id,
          input: JSON.stringify({ model: model.name, stream, messages: [{ role: "user", content: "你好 👋" }] }),
          output_string: success && !stream ? JSON.stringify({ choices: [{ message: { role: "assistant", content: "你好！" } }] }) : "",
          output_string_array: success && stream ? JSON.stringify(['data: {"choices":[{"delta":{"content":"你好"}}]}', "data: [DONE]"]) : "[]",
          created_at: createdAt,
          updated_at: new Date(at + 1000),
          deleted_at: null,
        });
      }
      at += proxyMs + chunkMs + random.int(5, 50);
    });
  }
  const deletedRow = rows.findLast((row) => row.chat_io === 1 && row.status === "success")!;
  deletedRow.deleted_at = new Date(now.getTime() - 2 * DAY_MS);
  const deletedIds = [deletedRow.id as number];

  const live = rows.filter((row) => row.deleted_at === null);
  const liveKeyIds = new Set(KEYS.filter((spec) => !spec.deleted).map((spec) => spec.id));
  const liveCreatedAt = live.map((row) => row.created_at as Date).sort((a, b) => a.getTime() - b.getTime());
  const count = (predicate: (row: ForkRow) => boolean) => live.filter(predicate).length;
  const byStyle: Record<string, number> = {};
  for (const row of live) byStyle[row.style as string] = (byStyle[row.style as string] ?? 0) + 1;
  return {
    rows,
    bodyRows,
    deletedIds,
    description: {
      rows: rows.length,
      deleted: deletedIds.length,
      live: live.length,
      byStatus: { success: count((row) => row.status === "success"), error: count((row) => row.status === "error"), running: 0 },
      byStyle,
      liveCreatedAt,
      oldest: liveCreatedAt[0],
      newest: liveCreatedAt[liveCreatedAt.length - 1],
      withoutKey: count((row) => row.auth_key_id === 0),
      withUnknownKey: count((row) => row.auth_key_id !== 0 && !liveKeyIds.has(row.auth_key_id as number)),
      bodies: { rows: bodyRows.length, forLiveLogs: bodyRows.filter((body) => !deletedIds.includes(body.log_id as number)).length },
      promptTokens: live.reduce((sum, row) => sum + (row.prompt_tokens as number), 0),
      completionTokens: live.reduce((sum, row) => sum + (row.completion_tokens as number), 0),
      totalCost: postgres ? live.reduce((sum, row) => sum + (row.total_cost as number), 0) : 0,
    },
  };
}
