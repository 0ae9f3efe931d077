import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/index.ts";
import { checkBaseUrl, hasVersionSegment, type CheckedProvider } from "./base-url-check.ts";

const KEY = "sk-check-0123456789";
const provider = (baseUrl: string, type: CheckedProvider["type"] = "openai", apiKeys = [KEY]): CheckedProvider => ({ type, baseUrl, apiKeys, headers: {} });

describe("hasVersionSegment", () => {
  test("version-looking path segments", () => {
    for (const url of ["https://api.openai.com/v1", "https://generativelanguage.googleapis.com/v1beta", "https://openrouter.ai/api/v1", "https://ark.cn-beijing.volces.com/api/v3", "https://x.test/v2alpha1/"]) {
      expect(hasVersionSegment(url)).toBe(true);
    }
    for (const url of ["https://api.openai.com", "http://host:11434", "https://api.deepseek.com/", "https://x.test/openai", "https://x.test/value", "not a url"]) {
      expect(hasVersionSegment(url)).toBe(false);
    }
  });
});

describe("checkBaseUrl against the fake upstream", () => {
  let fake: FakeUpstream;
  beforeAll(() => {
    fake = startFakeUpstream({ port: 0 });
  });
  afterAll(() => fake.stop());

  test("a base URL without the version: the root 404s, /v1 (/v1beta for Gemini) answers → the corrected URL", async () => {
    for (const [type, suffix] of [["openai", "/v1"], ["openai-responses", "/v1"], ["anthropic", "/v1"], ["gemini", "/v1beta"]] as const) {
      const warnings = await checkBaseUrl(provider(`${fake.url}/`, type));
      expect(warnings).toEqual([{ field: "baseUrl", message: expect.stringContaining(`use ${fake.url}${suffix}`), suggestion: `${fake.url}${suffix}` }]);
    }
    // Sent with the key, as the relay sends it.
    expect(fake.lastRequest!.headers["x-goog-api-key"]).toBe(KEY);
  });

  test("a rejected key still proves the versioned path exists", async () => {
    expect(await checkBaseUrl(provider(fake.url, "openai", ["bad-key-0123456789"]))).toMatchObject([{ suggestion: `${fake.url}/v1` }]);
    expect(await checkBaseUrl(provider(fake.url, "openai", []))).toMatchObject([{ suggestion: `${fake.url}/v1` }]);
  });

  test("a URL with a version segment is not probed at all", async () => {
    const before = fake.requests;
    expect(await checkBaseUrl(provider(`${fake.url}/v1`))).toEqual([]);
    expect(await checkBaseUrl(provider(`${fake.url}/api/v3`))).toEqual([]);
    expect(fake.requests).toBe(before);
  });
});

describe("checkBaseUrl: no finding unless the provider says so", () => {
  const servers: ReturnType<typeof Bun.serve>[] = [];
  const serve = (fetch: (request: Request) => Response | Promise<Response>) => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  };
  afterAll(() => {
    for (const server of servers) server.stop(true);
  });

  test("a versionless URL that is right (DeepSeek serves /models at the root): nothing", async () => {
    const url = serve((request) => (new URL(request.url).pathname === "/models" ? Response.json({ data: [] }) : new Response("no", { status: 404 })));
    expect(await checkBaseUrl(provider(url))).toEqual([]);
  });

  test("404 everywhere, a redirect or a 5xx at /v1: nothing to suggest", async () => {
    const nowhere = serve(() => new Response("404 page not found", { status: 404 }));
    expect(await checkBaseUrl(provider(nowhere))).toEqual([]);
    const redirecting = serve((request) => (new URL(request.url).pathname === "/models" ? new Response("", { status: 404 }) : Response.redirect("https://elsewhere.test/", 302)));
    expect(await checkBaseUrl(provider(redirecting))).toEqual([]);
    const broken = serve((request) => new Response("", { status: new URL(request.url).pathname === "/models" ? 404 : 502 }));
    expect(await checkBaseUrl(provider(broken))).toEqual([]);
  });

  test("Ollama's plain-text 404 at the root and its /v1 list: the corrected URL", async () => {
    const url = serve((request) => (new URL(request.url).pathname === "/v1/models" ? Response.json({ object: "list", data: [{ id: "llama3.2" }] }) : new Response("404 page not found", { status: 404 })));
    expect(await checkBaseUrl(provider(url))).toMatchObject([{ suggestion: `${url}/v1` }]);
  });

  test("unreachable or silent: nothing, within the timeout", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    expect(await checkBaseUrl(provider(`http://127.0.0.1:${port}`))).toEqual([]);
    const silent = serve(() => new Promise<Response>(() => {}));
    const started = performance.now();
    expect(await checkBaseUrl(provider(silent), 200)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
