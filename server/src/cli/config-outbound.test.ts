/**
 * The outbound settings (a provider's proxyUrl; an association's extraBody, extraHeaders,
 * forwardClientHeaders) stored, read by the routing catalog, and carried through config
 * export/apply, on SQLite and (LLMIO_TEST_STORAGE=postgres) PostgreSQL.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { AppDatabase } from "../db/client.ts";
import { openTestDatabase, testStorage } from "../db/test-database.ts";
import { Catalog } from "../routing/catalog.ts";
import { adminServices } from "../admin/admin-services.ts";
import { applyConfig } from "../admin/config-apply.ts";
import { exportConfig, renderConfig } from "../admin/config-export.ts";
import { parseConfig } from "../admin/config-file.ts";

const PROXY = "http://llmio:proxy-password-123@127.0.0.1:3128";
const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function database(): Promise<AppDatabase> {
  const db = await openTestDatabase();
  opened.push(db);
  return db;
}

async function configured(db: AppDatabase) {
  const services = adminServices(db);
  const provider = await services.providers.create({ name: "proxied", type: "openai", baseUrl: "http://127.0.0.1:1/v1", apiKeys: ["sk-outbound-1234"], proxyUrl: PROXY });
  const model = await services.models.create({ name: "m" });
  await services.associations.create({
    modelId: model.id,
    providerId: provider.id,
    providerModel: "pm",
    extraBody: '{"chat_template_kwargs":{"enable_thinking":false}}',
    extraHeaders: { "X-Team": "a" },
    forwardClientHeaders: false,
  });
  return { services, provider };
}

describe(`outbound settings (${testStorage})`, () => {
  test("stored, shown masked, and routed with", async () => {
    const db = await database();
    const { provider } = await configured(db);
    expect(provider.proxyUrl).toBe("http://llmio:pro…-123@127.0.0.1:3128");
    const route = await new Catalog(db).route("m");
    expect(route!.candidates[0]).toMatchObject({
      proxyUrl: PROXY,
      extraBody: { chat_template_kwargs: { enable_thinking: false } },
      extraHeaders: { "X-Team": "a" },
      forwardClientHeaders: false,
    });
  });

  test("export masks the proxy password unless with secrets; applying either keeps the settings", async () => {
    const db = await database();
    await configured(db);
    const masked = renderConfig(await exportConfig(db, { withSecrets: false }), { withSecrets: false });
    expect(masked).not.toContain("proxy-password-123");
    const same = await applyConfig(db, parseConfig(masked), {});
    expect(same.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
    const withSecrets = renderConfig(await exportConfig(db, { withSecrets: true }), { withSecrets: true });
    expect(withSecrets).toContain(PROXY);

    const edited = withSecrets.replace("enable_thinking: false", "enable_thinking: true").replace("forwardClientHeaders: false", "forwardClientHeaders: true");
    const report = await applyConfig(db, parseConfig(edited), {});
    expect(report.changes.find((change) => change.kind === "association")).toMatchObject({ action: "updated", fields: ["extraBody", "forwardClientHeaders"] });
    const [association] = await adminServices(db).associations.list();
    expect(association).toMatchObject({ extraBody: { chat_template_kwargs: { enable_thinking: true } }, forwardClientHeaders: true });
  });

  test("a socks5 proxy in a config file is refused at its path", async () => {
    const db = await database();
    const yaml = "providers:\n  - name: p\n    type: openai\n    baseUrl: http://127.0.0.1:1/v1\n    proxyUrl: socks5://127.0.0.1:1080\n";
    await expect(applyConfig(db, parseConfig(yaml), {})).rejects.toThrow(/proxyUrl.*socks5/);
  });
});
