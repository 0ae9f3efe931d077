import { beforeAll, describe, expect, test } from "bun:test";
import { parse, stringify } from "yaml";
import { seedCatalog } from "../../cli/seed-catalog.ts";
import { suiteHarness } from "./test-support.ts";

describe("/api/config", () => {
  const harness = suiteHarness();
  const { call } = harness;
  beforeAll(() => seedCatalog(harness.deps.db));

  async function exported(query = "") {
    const response = await harness.app.handle(new Request(`http://localhost/api/config/export${query}`, { headers: { authorization: "Bearer test-token" } }));
    return { response, text: await response.text() };
  }

  test("GET /export is the CLI's YAML, as a download, secrets masked", async () => {
    const { response, text } = await exported();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/yaml; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="llmio-config.yaml"');
    expect(text).toStartWith("# llmio ");
    expect(text).toContain("llmio config apply FILE");
    expect(text).not.toContain("sk-openai-first-key-aaaa");
    expect(text).not.toContain("secret-header-value-1234");
    expect(parse(text).models.map((model: { name: string }) => model.name)).toEqual(["gpt-4o", "claude-sonnet"]);
  });

  test("GET /export?withSecrets=1 has the provider keys in clear", async () => {
    const { response, text } = await exported("?withSecrets=1");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="llmio-config-with-secrets.yaml"');
    expect(text).toContain("sk-openai-first-key-aaaa");
    expect(text).toContain("keep this file private");
    expect((await exported("?withSecrets=maybe")).response.status).toBe(400);
  });

  test("POST /apply?dryRun=1 reports the changes and writes nothing; without it, applies them", async () => {
    const document = parse((await exported()).text);
    document.models[0].remark = "changed from the UI";
    document.models.push({ name: "fresh-model", providers: [{ provider: "openai", model: "gpt-4o-mini" }] });
    const yaml = stringify(document);

    const dryRun = await call("POST", "/api/config/apply?dryRun=1", yaml);
    expect(dryRun.status).toBe(200);
    expect(dryRun.json.dryRun).toBe(true);
    expect(dryRun.json.changes.filter((change: { action: string }) => change.action !== "unchanged")).toEqual([
      { kind: "model", name: "gpt-4o", action: "updated", fields: ["remark"] },
      { kind: "model", name: "fresh-model", action: "created" },
      { kind: "association", name: "fresh-model → openai/gpt-4o-mini", action: "created" },
    ]);
    expect(dryRun.json.counts).toMatchObject({ created: 2, updated: 1, deleted: 0 });
    expect((await call("GET", "/api/models")).json.map((model: { name: string }) => model.name)).not.toContain("fresh-model");

    const applied = await call("POST", "/api/config/apply", yaml);
    expect(applied.json).toMatchObject({ dryRun: false, counts: { created: 2, updated: 1, deleted: 0 } });
    const models = (await call("GET", "/api/models")).json as { name: string; remark: string }[];
    expect(models.find((model) => model.name === "fresh-model")).toBeDefined();
    expect(models.find((model) => model.name === "gpt-4o")?.remark).toBe("changed from the UI");
    // The gateway routes the new model at once.
    expect((await harness.deps.catalog.models()).map((model) => model.name)).toContain("fresh-model");

    const again = await call("POST", "/api/config/apply", yaml);
    expect(again.json.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  test("prune=1 deletes what the file does not list", async () => {
    const document = parse((await exported()).text);
    document.models = document.models.filter((model: { name: string }) => model.name !== "fresh-model");
    const dryRun = await call("POST", "/api/config/apply?dryRun=1&prune=1", stringify({ models: document.models }));
    expect(dryRun.json.changes.filter((change: { action: string }) => change.action === "deleted")).toEqual([
      { kind: "model", name: "fresh-model", action: "deleted", note: expect.any(String) },
    ]);
  });

  test("a new client key's value is in the answer to a real apply, never a dry run", async () => {
    const yaml = "authKeys:\n  - name: from-ui\n    captureBodies: true\n";
    const dryRun = await call("POST", "/api/config/apply?dryRun=1", yaml);
    expect(dryRun.json.changes).toEqual([{ kind: "auth key", name: "from-ui", action: "created" }]);
    const applied = await call("POST", "/api/config/apply", yaml);
    expect(applied.json.changes[0].key).toMatch(/^sk-llmio-/);
    const keys = (await call("GET", "/api/auth-keys")).json as { name: string; captureBodies: boolean }[];
    expect(keys.find((key) => key.name === "from-ui")?.captureBodies).toBe(true);
  });

  test("a file's problems are 400s naming the entry", async () => {
    expect(await call("POST", "/api/config/apply?dryRun=1", "models:\n  - name: m\n    providers:\n      - provider: nowhere\n        model: x\n")).toMatchObject({
      status: 400,
      json: { error: 'models[0].providers[0].provider: unknown provider "nowhere"' },
    });
    const invalid = await call("POST", "/api/config/apply?dryRun=1", "models: [");
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toStartWith("invalid YAML:");
    expect(await call("POST", "/api/config/apply", " \n")).toMatchObject({
      status: 400,
      json: { error: "Invalid body: send the YAML configuration file as the request body" },
    });
  });

  test("needs the admin token", async () => {
    expect((await call("GET", "/api/config/export", undefined, null)).status).toBe(401);
    expect((await call("POST", "/api/config/apply?dryRun=1", "models: []", null)).status).toBe(401);
  });
});
