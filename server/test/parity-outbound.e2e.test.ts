/**
 * Outbound requests (issue 14), through a real gateway to the fake upstream, asserting what the
 * upstream received: an association's extraBody deep-merged over the client's values (same-protocol
 * fast path and translated path), its extraHeaders and forwardClientHeaders with the precedence
 * provider credentials > association headers > provider headers > forwarded client headers, a
 * provider's proxyUrl through a real forwarding proxy (`proxy` package) with basic auth, its
 * password never shown in full, and the settings' round trip through config export/apply.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type IncomingMessage } from "node:http";
import { createProxy } from "proxy";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const PROVIDER_KEY = "sk-outbound-provider-key-1234";
const PROXY_PASSWORD = "pr0xy-s3cret-pass";

let upstream: FakeUpstream;
let gateway: TestGateway;
let proxyServer: ReturnType<typeof createProxy>;
let proxyPort = 0;
/** What the forwarding proxy was asked to do, and with which credentials. */
const proxied: Array<{ method: string; url: string; authorized: boolean }> = [];

let modelId = 0;
let providerId = 0;
let associationId = 0;

function basicAuthorized(request: IncomingMessage): boolean {
  return request.headers["proxy-authorization"] === `Basic ${Buffer.from(`llmio:${PROXY_PASSWORD}`).toString("base64")}`;
}

async function raw(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function openaiChat(headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "outbound-model", messages: [{ role: "user", content: "hi" }], temperature: 0.9, chat_template_kwargs: { enable_thinking: true, keep: 1 } }),
  });
  return { status: response.status, traceId: response.headers.get("x-llmio-trace-id") ?? "", text: await response.text() };
}

async function anthropicMessages(headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/anthropic/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": TEST_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "outbound-model", max_tokens: 32, temperature: 0.9, messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: response.status, text: await response.text() };
}

function received() {
  const last = upstream.lastRequest!;
  return { headers: last.headers, body: last.body as Record<string, unknown> };
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  proxyServer = createProxy(createServer());
  proxyServer.authenticate = (request) => {
    const authorized = basicAuthorized(request);
    proxied.push({ method: request.method ?? "", url: request.url ?? "", authorized });
    return authorized;
  };
  await new Promise<void>((resolve) => proxyServer.listen(0, "127.0.0.1", () => resolve()));
  proxyPort = (proxyServer.address() as { port: number }).port;

  modelId = (await gateway.admin("POST", "/api/models", { name: "outbound-model", maxRetry: 1, timeoutMs: 5000 })).id;
  providerId = (
    await gateway.admin("POST", "/api/providers", {
      name: "outbound-openai",
      type: "openai",
      baseUrl: `${upstream.url}/v1`,
      apiKeys: [PROVIDER_KEY],
      headers: { "x-shared": "provider", "x-client-vs-provider": "provider", "x-provider-only": "p" },
    })
  ).id;
  associationId = (
    await gateway.admin("POST", "/api/model-providers", {
      modelId,
      providerId,
      providerModel: "gpt-4o-mini",
      extraBody: { chat_template_kwargs: { enable_thinking: false }, reasoning_effort: "low", temperature: 0.1 },
      // An association header cannot replace the provider's credentials.
      extraHeaders: { "X-Shared": "association", "x-association-only": "a", authorization: "Bearer not-the-key" },
    })
  ).id;
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
  proxyServer?.close();
});

describe("extraBody", () => {
  test("fast path (OpenAI client → OpenAI provider): deep-merged over the client's values", async () => {
    const answer = await openaiChat();
    expect(answer.status).toBe(200);
    const { body } = received();
    expect(body.model).toBe("gpt-4o-mini");
    // The client's enable_thinking: true is overridden; its other nested key stays.
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: false, keep: 1 });
    expect(body.reasoning_effort).toBe("low");
    expect(body.temperature).toBe(0.1);
  });

  test("translated path (Anthropic client → OpenAI provider): merged after translation", async () => {
    const answer = await anthropicMessages();
    expect(answer.status).toBe(200);
    const { body } = received();
    expect(body.messages).toBeDefined();
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(body.reasoning_effort).toBe("low");
    expect(body.temperature).toBe(0.1);
  });

  test("invalid JSON, or JSON that is not an object, is a 400 naming the field", async () => {
    const invalid = await raw("PUT", `/api/model-providers/${associationId}`, { extraBody: "{not json" });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain("extraBody");
    expect(invalid.text).toContain("not valid JSON");
    const notObject = await raw("PUT", `/api/model-providers/${associationId}`, { extraBody: "[1,2]" });
    expect(notObject.status).toBe(400);
    expect(notObject.text).toContain("extraBody");
    expect(notObject.text).toContain("JSON object");
  });

  test("JSON text from a form is stored as the object", async () => {
    const saved = await gateway.admin("PUT", `/api/model-providers/${associationId}`, {
      extraBody: '{"chat_template_kwargs":{"enable_thinking":false},"reasoning_effort":"low","temperature":0.1}',
    });
    expect(saved.extraBody).toEqual({ chat_template_kwargs: { enable_thinking: false }, reasoning_effort: "low", temperature: 0.1 });
  });
});

describe("headers", () => {
  test("precedence: provider credentials > association headers > provider headers > forwarded client headers", async () => {
    const answer = await openaiChat({ "x-shared": "client", "x-client-vs-provider": "client", "x-client-only": "c" });
    expect(answer.status).toBe(200);
    const { headers } = received();
    expect(headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(headers["x-shared"]).toBe("association");
    expect(headers["x-association-only"]).toBe("a");
    expect(headers["x-client-vs-provider"]).toBe("provider");
    expect(headers["x-provider-only"]).toBe("p");
    expect(headers["x-client-only"]).toBe("c");
  });

  test("forwardClientHeaders: false keeps the client's own headers from the upstream, on both paths", async () => {
    await gateway.admin("PUT", `/api/model-providers/${associationId}`, { forwardClientHeaders: false });
    expect((await openaiChat({ "x-client-only": "c", "user-agent": "client-agent/1.0" })).status).toBe(200);
    let { headers } = received();
    expect(headers["x-client-only"]).toBeUndefined();
    expect(headers["user-agent"]).not.toBe("client-agent/1.0");
    expect(headers["x-association-only"]).toBe("a");
    expect(headers["x-provider-only"]).toBe("p");
    expect((await anthropicMessages({ "x-client-only": "c" })).status).toBe(200);
    ({ headers } = received());
    expect(headers["x-client-only"]).toBeUndefined();
    await gateway.admin("PUT", `/api/model-providers/${associationId}`, { forwardClientHeaders: true });
    expect((await openaiChat({ "x-client-only": "c" })).status).toBe(200);
    expect(received().headers["x-client-only"]).toBe("c");
  });

  test("an invalid header name is a 400 naming the field", async () => {
    const refused = await raw("PUT", `/api/model-providers/${associationId}`, { extraHeaders: { "bad header": "x" } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("extraHeaders");
  });
});

describe("proxyUrl", () => {
  const proxyUrl = () => `http://llmio:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`;

  test("socks5:// and other schemes are refused with a 400 naming the field", async () => {
    const socks = await raw("PUT", `/api/providers/${providerId}`, { proxyUrl: `socks5://127.0.0.1:${proxyPort}` });
    expect(socks.status).toBe(400);
    expect(socks.text).toContain("proxyUrl");
    expect(socks.text).toContain("socks5");
    const ftp = await raw("PUT", `/api/providers/${providerId}`, { proxyUrl: "ftp://127.0.0.1:21" });
    expect(ftp.status).toBe(400);
    expect(ftp.text).toContain("proxyUrl");
  });

  test("calls, the model list and Test connection go through the proxy; its password is shown masked and round-trips", async () => {
    const saved = await gateway.admin("PUT", `/api/providers/${providerId}`, { proxyUrl: proxyUrl() });
    expect(saved.proxyUrl).not.toContain(PROXY_PASSWORD);
    expect(saved.proxyUrl).toContain("llmio:");
    expect(saved.proxyUrl).toContain("…");
    // The masked value sent back (as a form does) keeps the stored URL.
    const again = await gateway.admin("PUT", `/api/providers/${providerId}`, { proxyUrl: saved.proxyUrl, name: "outbound-openai" });
    expect(again.proxyUrl).toBe(saved.proxyUrl);

    proxied.length = 0;
    const answer = await openaiChat();
    expect(answer.status).toBe(200);
    expect(proxied).toContainEqual({ method: "POST", url: `${upstream.url}/v1/chat/completions`, authorized: true });
    expect(received().body.reasoning_effort).toBe("low");

    const models = await gateway.admin("GET", `/api/providers/${providerId}/models`);
    expect(Array.isArray(models) ? models.length : Object.keys(models).length).toBeGreaterThan(0);
    expect(proxied.some((entry) => entry.method === "GET" && entry.url.startsWith(`${upstream.url}/v1/models`))).toBe(true);

    const before = proxied.length;
    const tested = await gateway.admin("POST", `/api/providers/${providerId}/test`, {});
    expect(tested.ok ?? tested.success ?? true).toBeTruthy();
    expect(proxied.length).toBeGreaterThan(before);
  });

  test("wrong credentials fail the attempt with a clear error; neither the log nor the API shows the password", async () => {
    await gateway.admin("PUT", `/api/providers/${providerId}`, { proxyUrl: `http://llmio:wrong-password-42@127.0.0.1:${proxyPort}` });
    const answer = await openaiChat();
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.text).toContain("proxy");
    expect(answer.text).not.toContain("wrong-password-42");
    const attempts = await logsOf(gateway, answer.traceId);
    const logged = JSON.stringify(attempts);
    expect(logged).toContain("407");
    expect(logged).toContain("proxy");
    expect(logged).not.toContain("wrong-password-42");
    const listed = JSON.stringify(await gateway.admin("GET", "/api/providers"));
    expect(listed).not.toContain("wrong-password-42");
    expect(listed).not.toContain(PROXY_PASSWORD);
    expect(proxied.at(-1)?.authorized).toBe(false);
    await gateway.admin("PUT", `/api/providers/${providerId}`, { proxyUrl: proxyUrl() });
  });
});

describe("config export/apply", () => {
  test("the settings round-trip to another gateway and change what its upstream receives", async () => {
    const masked = await fetch(`${gateway.url}/api/config/export`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } }).then((response) => response.text());
    expect(masked).toContain("proxyUrl");
    expect(masked).not.toContain(PROXY_PASSWORD);
    expect(masked).toContain("enable_thinking: false");
    expect(masked).toContain("forwardClientHeaders: true");
    // Applying the masked export to the same gateway changes nothing (the masked password stands for the stored one).
    const same = await fetch(`${gateway.url}/api/config/apply?dryRun=1`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: masked }).then((response) => response.json());
    expect(same.counts).toMatchObject({ created: 0, updated: 0 });

    const yaml = await fetch(`${gateway.url}/api/config/export?withSecrets=1`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } }).then((response) => response.text());
    expect(yaml).toContain(PROXY_PASSWORD);
    const other = startTestGateway();
    try {
      const applied = await fetch(`${other.url}/api/config/apply`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: yaml });
      expect(applied.status).toBe(200);
      const [association] = await other.admin("GET", "/api/model-providers");
      expect(association.extraBody).toEqual({ chat_template_kwargs: { enable_thinking: false }, reasoning_effort: "low", temperature: 0.1 });
      expect(association.extraHeaders).toEqual({ "X-Shared": "association", "x-association-only": "a", authorization: "Bearer not-the-key" });
      expect(association.forwardClientHeaders).toBe(true);
      const [provider] = await other.admin("GET", "/api/providers");
      expect(provider.proxyUrl).toBe((await gateway.admin("GET", `/api/providers/${providerId}`)).proxyUrl);

      proxied.length = 0;
      const response = await fetch(`${other.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "outbound-model", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(200);
      expect(proxied.some((entry) => entry.authorized)).toBe(true);
      expect(received().body.chat_template_kwargs).toEqual({ enable_thinking: false });
      expect(received().headers["x-shared"]).toBe("association");
    } finally {
      await other.stop();
    }
  });
});
