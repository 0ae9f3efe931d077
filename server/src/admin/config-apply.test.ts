import { afterEach, describe, expect, test } from "bun:test";
import { parse, stringify } from "yaml";
import type { AppDatabase } from "../db/client.ts";
import { openTestDatabase, testStorage } from "../db/test-database.ts";
import { hashKey } from "../auth/client-keys.ts";
import { adminServices } from "./admin-services.ts";
import { applyConfig, formatReport, type ApplyReport } from "./config-apply.ts";
import { exportConfig, renderConfig } from "./config-export.ts";
import { ConfigError, parseConfig } from "./config-file.ts";
import { seedCatalog } from "../cli/seed-catalog.ts";

// On PostgreSQL every test database is the same one, emptied: a test exports from its source
// before it opens a target.
const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function empty(): Promise<AppDatabase> {
  const db = await openTestDatabase();
  opened.push(db);
  return db;
}

async function seeded(): Promise<AppDatabase> {
  const db = await empty();
  await seedCatalog(db);
  return db;
}

async function exported(db: AppDatabase, withSecrets = true): Promise<string> {
  return renderConfig(await exportConfig(db, { withSecrets }), { withSecrets });
}

function apply(db: AppDatabase, yaml: string, options: { dryRun?: boolean; prune?: boolean } = {}): Promise<ApplyReport> {
  return applyConfig(db, parseConfig(yaml), options);
}

function actions(report: ApplyReport): string[] {
  return report.changes.map((change) => `${change.action} ${change.kind} ${change.name}${change.fields ? `: ${change.fields.join(", ")}` : ""}`);
}

function allProviders(db: AppDatabase) {
  return db.orm.select().from(db.tables.providers).orderBy(db.tables.providers.id);
}

async function storedKeys(db: AppDatabase, name: string) {
  return (await allProviders(db)).find((row) => row.name === name)!;
}

describe(`export → apply (${testStorage})`, () => {
  test("applying an export to an empty database reproduces the same export", async () => {
    const source = await seeded();
    const yaml = await exported(source);
    const masked = await exported(source, false);
    const target = await empty();
    const report = await apply(target, yaml);
    expect(report.changes.every((change) => change.action === "created")).toBe(true);
    expect(report.changes.filter((change) => change.kind === "association")).toHaveLength(3);
    expect(await exported(target)).toBe(yaml);
    expect(await exported(target, false)).toBe(masked);
  });

  test("a second apply reports every entry unchanged and writes nothing", async () => {
    const yaml = await exported(await seeded());
    const target = await empty();
    await apply(target, yaml);
    const before = await allProviders(target);
    const second = await apply(target, yaml);
    expect(second.changes).toHaveLength(9);
    expect(second.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
    expect(await allProviders(target)).toEqual(before);
  });

  test("a masked export applied to its own database changes nothing and keeps every secret", async () => {
    const db = await seeded();
    const before = await storedKeys(db, "openai");
    const report = await apply(db, await exported(db, false));
    expect(report.changes.filter((change) => change.action !== "unchanged")).toEqual([]);
    expect(await storedKeys(db, "openai")).toEqual(before);
    expect(before.apiKeys).toEqual(["sk-openai-first-key-aaaa", "sk-openai-second-key-bbbb"]);
    expect(before.headers["X-Api-Key"]).toBe("secret-header-value-1234");
  });

  test("the export names no client key value and says why in a comment", async () => {
    const yaml = await exported(await seeded());
    expect(yaml).toContain("# Client keys are stored only as hashes");
    expect(yaml).not.toContain("sk-llmio-");
    expect(await exported(await seeded(), false)).not.toContain("sk-openai-first-key-aaaa");
    expect(await exported(await seeded(), false)).not.toContain("secret-header-value-1234");
  });
});

describe(`updates (${testStorage})`, () => {
  test("masked keys keep their stored values next to added keys; changed fields are named", async () => {
    const db = await seeded();
    const document = parse(await exported(db, false));
    document.providers[0].apiKeys = ["sk-…bbbb", "sk-brand-new-key-dddd"];
    document.providers[0].baseUrl = "https://proxy.example.com/v1/";
    document.providers[0].limits.tokensPerMinute = 90_000;
    document.models[0].providers[0].weight = 5;
    document.models[0].pinnedProvider = null;
    document.authKeys[1].quotas.tokens = null;
    const report = await apply(db, stringify(document));
    expect(actions(report).filter((line) => !line.startsWith("unchanged"))).toEqual([
      "updated provider openai: baseUrl, apiKeys, limits.tokensPerMinute",
      "updated model gpt-4o: pinnedProvider",
      "updated association gpt-4o → openai/gpt-4o-2024-08-06: weight",
      "updated auth key laptop: quotas.tokens",
    ]);
    expect((await storedKeys(db, "openai")).apiKeys).toEqual(["sk-openai-second-key-bbbb", "sk-brand-new-key-dddd"]);
    expect((await storedKeys(db, "openai")).baseUrl).toBe("https://proxy.example.com/v1");
    expect((await apply(db, stringify(document))).changes.every((change) => change.action === "unchanged")).toBe(true);
  });

  test("a model's maximum stream duration is applied and exported", async () => {
    const db = await seeded();
    const report = await apply(db, "models:\n  - name: gpt-4o\n    maxStreamDurationMs: 600000\n");
    expect(actions(report)).toEqual(["updated model gpt-4o: maxStreamDurationMs"]);
    const models = parse(await exported(db, false)).models as { name: string; maxStreamDurationMs: number }[];
    expect(models.map((model) => [model.name, model.maxStreamDurationMs])).toContainEqual(["gpt-4o", 600_000]);
  });

  test("a client key's per-key body capture is applied and exported", async () => {
    const db = await seeded();
    const report = await apply(db, "authKeys:\n  - name: laptop\n    captureBodies: true\n");
    expect(actions(report)).toEqual(["updated auth key laptop: captureBodies"]);
    const keys = parse(await exported(db, false)).authKeys as { name: string; captureBodies: boolean }[];
    expect(Object.fromEntries(keys.map((key) => [key.name, key.captureBodies]))).toEqual({ laptop: true, ci: false });
  });

  test("a masked key with no stored match is an error naming the entry", async () => {
    const yaml = await exported(await seeded(), false);
    await expect(apply(await empty(), yaml)).rejects.toThrow(
      /^providers\[0\]\.apiKeys\[0\]: is a masked key that matches no existing key \(a masked value only stands for a key already stored/,
    );
  });

  test("fields left out keep their stored values; a new client key is shown once and works", async () => {
    const db = await seeded();
    const report = await apply(db, "models:\n  - name: gpt-4o\n    remark: renamed remark\nauthKeys:\n  - name: new-key\n    allowedModels: [gpt-4o]\n");
    expect(actions(report)).toEqual(["updated model gpt-4o: remark", "created auth key new-key"]);
    const key = report.changes[1].key!;
    expect(key).toStartWith("sk-llmio-");
    const row = (await db.orm.select().from(db.tables.authKeys)).find((entry) => entry.name === "new-key")!;
    expect(row.keyHash).toBe(hashKey(key));
    expect(row.allowedModels).toEqual(["gpt-4o"]);
    const model = (await adminServices(db).models.list()).find((entry) => entry.name === "gpt-4o")!;
    expect(model.aliases).toEqual(["gpt-4o-*", "default"]);
    expect(model.providerCount).toBe(2);
  });

  test("a dry run reports the same changes, shows no key and writes nothing", async () => {
    const yaml = await exported(await seeded());
    const db = await empty();
    const dryRun = await apply(db, yaml, { dryRun: true });
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.changes.every((change) => change.action === "created" && change.key === undefined)).toBe(true);
    expect(await adminServices(db).providers.list()).toEqual([]);
    expect(await adminServices(db).authKeys.list()).toEqual([]);
    expect(actions(await apply(db, yaml))).toEqual(actions(dryRun));
    expect(formatReport(dryRun)).toStartWith("Dry run: nothing was written.");
  });

  test("a failure part-way leaves nothing applied", async () => {
    const db = await empty();
    const yaml = "providers:\n  - name: fine\n    type: openai\n    baseUrl: https://a.example\nmodels:\n  - name: m\n    providers: [{ provider: missing, model: x }]\n";
    await expect(apply(db, yaml)).rejects.toThrow('models[0].providers[0].provider: unknown provider "missing"');
    expect(await adminServices(db).providers.list()).toEqual([]);
    expect(await adminServices(db).models.list()).toEqual([]);
  });
});

describe(`--prune (${testStorage})`, () => {
  const trimmed = async (db: AppDatabase) => {
    const document = parse(await exported(db, false));
    document.providers = document.providers.filter((provider: { name: string }) => provider.name !== "anthropic");
    document.models = document.models.filter((model: { name: string }) => model.name !== "claude-sonnet");
    document.models[0].providers = document.models[0].providers.filter((association: { provider: string }) => association.provider === "openai");
    document.authKeys = document.authKeys.filter((key: { name: string }) => key.name !== "laptop");
    return stringify(document);
  };

  test("deletes what the file does not list", async () => {
    const db = await seeded();
    const report = await apply(db, await trimmed(db), { prune: true });
    expect(actions(report).filter((line) => !line.startsWith("unchanged"))).toEqual([
      "deleted provider anthropic",
      "deleted model claude-sonnet",
      "deleted auth key laptop",
    ]);
    expect(report.changes.find((change) => change.name === "anthropic")!.note).toBe("and its associations with gpt-4o, claude-sonnet");
    const services = adminServices(db);
    expect((await services.providers.list()).map((provider) => provider.name)).toEqual(["openai"]);
    expect((await services.models.list()).map((model) => [model.name, model.providerCount])).toEqual([["gpt-4o", 1]]);
    expect((await services.authKeys.list()).map((key) => key.name)).toEqual(["ci"]);
  });

  test("deletes an unlisted association of a kept model", async () => {
    const db = await seeded();
    const document = parse(await exported(db, false));
    document.models[0].providers.pop();
    expect(actions(await apply(db, stringify(document), { prune: true })).filter((line) => !line.startsWith("unchanged"))).toEqual([
      "deleted association gpt-4o → anthropic/claude-sonnet-4-5",
    ]);
  });

  test("a model may not keep using a provider the same apply prunes", async () => {
    const db = await seeded();
    const yaml = "providers: []\nmodels:\n  - name: claude-sonnet\n    providers: [{ provider: anthropic, model: claude-sonnet-4-5 }]\n";
    await expect(apply(db, yaml, { prune: true })).rejects.toThrow(
      'models[0].providers[0].provider: provider "anthropic" is deleted by --prune, as the file does not list it under providers',
    );
    expect(await adminServices(db).providers.list()).toHaveLength(2);
  });

  test("without --prune nothing is deleted; sections left out are never pruned", async () => {
    const db = await seeded();
    expect((await apply(db, await trimmed(db))).changes.filter((change) => change.action !== "unchanged")).toEqual([]);
    expect((await apply(db, "models: []\n", { prune: true })).changes.map((change) => change.action)).toEqual(["deleted", "deleted"]);
    const services = adminServices(db);
    expect(await services.providers.list()).toHaveLength(2);
    expect(await services.authKeys.list()).toHaveLength(2);
  });
});

describe(`validation names the path (${testStorage})`, () => {
  const provider = "providers:\n  - name: p\n    type: openai\n    baseUrl: https://a.example\n";
  const cases: [string, string][] = [
    ["models:\n  - name: a\n  - name: b\n  - name: c\n    providers:\n      - provider: x\n        model: m\n", 'models[2].providers[0].provider: unknown provider "x"'],
    [`${provider}models:\n  - name: m\n    timeoutMs: soon\n`, 'models[0].timeoutMs: expected a whole number ≥ 1, got "soon"'],
    [`${provider}models:\n  - name: m\n    timeout: 5\n`, "models[0].timeout: unknown field (expected one of: name, remark,"],
    ["providers:\n  - name: p\n    type: openai\n", "providers[0].baseUrl: is required"],
    ["providers:\n  - name: p\n    type: openia\n    baseUrl: https://a.example\n", 'providers[0].type: expected one of openai, openai-responses, anthropic, gemini, got "openia"'],
    ["providers:\n  - name: p\n    type: openai\n    baseUrl: ftp://a.example\n", 'providers[0].baseUrl: expected an http(s) URL, got "ftp://a.example"'],
    [`${provider}  - name: p\n    type: gemini\n    baseUrl: https://b.example\n`, 'providers[1].name: "p" is already used by providers[0]'],
    [`${provider}    headers: { x-api-key: 5 }\n`, 'providers[0].headers["x-api-key"]: expected text, got 5'],
    [`${provider}models:\n  - name: m\n    pinnedProvider: q\n    providers: [{ provider: p, model: x }]\n`, 'models[0].pinnedProvider: "q" is not among this model\'s providers'],
    [`${provider}models:\n  - name: m\n    providers: [{ provider: p, model: x }, { provider: p, model: " x" }]\n`, "models[0].providers[1]: same provider and model as providers[0]"],
    ["authKeys:\n  - name: k\n    expiresAt: someday\n", 'authKeys[0].expiresAt: expected a date such as 2027-01-31T00:00:00Z, got "someday"'],
    ["authKeys:\n  - name: k\n    allowedModels: []\n", "authKeys[0].allowedModels: must list at least one model (null allows every model)"],
    ["authKeys:\n  - name: k\n    quotas: { requests: 0 }\n", "authKeys[0].quotas.requests: expected a whole number ≥ 1, got 0"],
    ["models: {}\n", "models: expected a list, got a mapping"],
    ["provider: []\n", "provider: unknown field (expected one of: providers, models, authKeys)"],
    ["models:\n  - name: [\n", "invalid YAML: "],
    ["", "the file is empty"],
  ];
  for (const [yaml, message] of cases) {
    test(message, async () => {
      let error: unknown;
      try {
        await apply(await empty(), yaml);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toStartWith(message);
    });
  }

  test("a pin to a provider that does not serve the model", async () => {
    const db = await seeded();
    await expect(apply(db, "models:\n  - name: claude-sonnet\n    pinnedProvider: openai\n")).rejects.toThrow(
      'models[0].pinnedProvider: provider "openai" does not serve this model (list it under providers)',
    );
  });
});

test("the report: one line per entry, keys indented below, totals last", async () => {
  const report = await apply(await empty(), "providers:\n  - name: p\n    type: openai\n    baseUrl: https://a.example\nauthKeys:\n  - name: k\n");
  const lines = formatReport(report).split("\n");
  expect(lines[0]).toBe("created    provider p");
  expect(lines[1]).toBe("created    auth key k");
  expect(lines[2]).toMatch(/^ {11}key: sk-llmio-\S+ {2}\(shown only now: store it\)$/);
  expect(lines[3]).toBe("2 created, 0 updated, 0 unchanged, 0 deleted");
});
