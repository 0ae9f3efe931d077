/**
 * Issue 12, item 6 and item 8 (but the deep-nesting 500, see attempts-end.e2e.test.ts).
 *
 * Item 6: the connection timeout was switched off before authentication on every proxy path,
 * so 1,100 idle unauthenticated connections took every file descriptor. Now it is lifted only
 * for an authenticated call with a body read, and set back when the answer ends. Measured on
 * Bun 1.4.5 (the timer ticks every 4 s): a connection that has not sent complete headers is
 * closed after about 10–12 s whatever the idle timeout; a request body must arrive within the
 * idle timeout counted from the request's start (data arriving does not reset it); a kept-alive
 * connection idles for the timeout; a timeout set on a request stays with its connection
 * until the next request.
 *
 * Item 8: unknown routes answered plain-text 404s; the admin UI had no Content-Security-Policy
 * nor X-Frame-Options; CORS allowed `Origin: null`; any Host was served (DNS rebinding);
 * `/API/providers` answered the UI's HTML. A 431 for huge headers comes from Bun before any
 * of the gateway's code runs (bare, `Connection: close`): it cannot be given a JSON body.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { inlineScripts } from "../../src/routes/ui-security.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";
import { openRaw, parseResponse, type RawConnection } from "./raw-http.ts";

type Json = Record<string, any>;

const IDLE_TIMEOUT_SECONDS = 2;
/** When Bun closes a connection idle past a 2 s timeout (its timer ticks every 4 s), with slack for a busy machine. */
const IDLE_CLOSE_BOUND_MS = 9_000;
/** How long each answer below keeps the client's connection silent: clearly past the timeout. */
const SILENCE_MS = 6_000;

let upstream: FakeUpstream;
/** An OpenAI-style stream: a first chunk at once, then silence, then the rest. */
let pausingUpstream: ReturnType<typeof Bun.serve>;
let gateway: TestGateway;
let port: number;

function chunk(content: string, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  pausingUpstream = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch() {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(chunk("before the pause ")));
          await Bun.sleep(SILENCE_MS);
          controller.enqueue(encoder.encode(chunk("after the pause", "stop")));
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
  gateway = startTestGateway({ http: { idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS } });
  port = Number(new URL(gateway.url).port);
  await configureModel(gateway, "echo", [{ name: "fake", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
  await configureModel(gateway, "slow", [{ name: "fake-slow", baseUrl: `${upstream.url}/v1`, providerModel: `fake-model+first-byte-delay=${SILENCE_MS}` }], {
    timeoutMs: 30_000,
    maxRetry: 0,
  });
  await configureModel(gateway, "pausing", [{ name: "pausing", baseUrl: `http://127.0.0.1:${pausingUpstream.port}/v1`, providerModel: "m" }], {
    timeoutMs: 30_000,
    maxRetry: 0,
  });
});

afterAll(async () => {
  await gateway?.stop();
  upstream?.stop();
  pausingUpstream?.stop(true);
});

const chatHead = (body: string, headers = "") =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;

describe("connection timeouts (item 6)", () => {
  test("idle unauthenticated (and body-less) connections on proxy paths are closed; calls keep working meanwhile", async () => {
    const body = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hi" }] });
    const connections: Array<{ kind: string; connection: RawConnection; bound: number }> = [];
    const open = async (kind: string, count: number, head: string | undefined, bound = IDLE_CLOSE_BOUND_MS) => {
      for (let index = 0; index < count; index++) connections.push({ kind, connection: await openRaw(port, head), bound });
    };
    // The attack: a request without a key (answered 401), then the connection held idle.
    await open("unauthenticated, answered 401, then idle", 300, chatHead(body) + body);
    // A body announced and never sent, without and with a valid key (the body is read before admission).
    await open("unauthenticated, body never sent", 20, chatHead(body));
    await open("authenticated, body never sent", 20, chatHead(body, `Authorization: Bearer ${TEST_TOKEN}\r\n`));
    // Headers never completed: Bun's own limit of about 10 s.
    await open("nothing sent", 5, undefined, 16_000);
    await open("headers never completed", 5, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n", 16_000);
    // A slow-loris body: one byte a second from an authenticated client.
    const slow = await openRaw(port, chatHead("x".repeat(100), `Authorization: Bearer ${TEST_TOKEN}\r\n`));
    const drip = setInterval(() => slow.socket.writable && slow.socket.write("x"), 1_000);
    connections.push({ kind: "authenticated, body at one byte a second", connection: slow, bound: IDLE_CLOSE_BOUND_MS });

    // Meanwhile the gateway serves.
    const served = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body });
    expect(served.status).toBe(200);
    await served.text();

    const closedAfter = await Promise.all(connections.map(({ connection, bound }) => connection.closedWithin(bound)));
    clearInterval(drip);
    const stillOpen = new Map<string, number>();
    connections.forEach(({ kind, connection }, index) => {
      if (closedAfter[index] === undefined) stillOpen.set(kind, (stillOpen.get(kind) ?? 0) + 1);
      connection.socket.destroy();
    });
    expect(Object.fromEntries(stillOpen)).toEqual({});
    expect(connections[0].connection.received()).toStartWith("HTTP/1.1 401");
  }, 30_000);

  test("an authenticated call silent longer than the timeout is answered in full, then its connection idles under the timeout again", async () => {
    const streamBody = JSON.stringify({ model: "pausing", stream: true, messages: [{ role: "user", content: "hi" }] });
    const plainBody = JSON.stringify({ model: "slow", messages: [{ role: "user", content: "hi" }] });
    const auth = `Authorization: Bearer ${TEST_TOKEN}\r\n`;
    const [stream, plain] = await Promise.all([openRaw(port, chatHead(streamBody, auth) + streamBody), openRaw(port, chatHead(plainBody, auth) + plainBody)]);
    // The stream's first chunk reaches the client at once, before the pause (nothing held back).
    await stream.waitFor("before the pause", SILENCE_MS / 2);
    const [streamed, answered] = await Promise.all([stream.waitFor("data: [DONE]", 20_000), plain.waitFor(/"choices"[\s\S]*\}\s*$/, 20_000)]);
    const streamEnded = Date.now();
    expect(streamed).toContain("before the pause");
    expect(streamed).toContain("after the pause");
    expect(parseResponse(answered).status).toBe(200);
    expect(JSON.parse(parseResponse(answered).body).choices[0].message.content.length).toBeGreaterThan(0);
    // The timeout was set back: the kept-alive connections are closed like any idle one.
    const [streamClosed, plainClosed] = await Promise.all([stream.closedWithin(IDLE_CLOSE_BOUND_MS + SILENCE_MS + 2_000), plain.closedWithin(IDLE_CLOSE_BOUND_MS + 2_000)]);
    stream.socket.destroy();
    plain.socket.destroy();
    expect(streamClosed).toBeDefined();
    expect(plainClosed).toBeDefined();
    expect(Date.now() - streamEnded).toBeLessThan(IDLE_CLOSE_BOUND_MS + 1_000);
  }, 40_000);
});

describe("error shapes of unknown routes and huge headers (item 8)", () => {
  const cases: Array<[string, string, (body: Json) => void]> = [
    ["POST", "/v1/nothing", (body) => expect(body.error).toMatchObject({ type: "invalid_request_error", message: "Invalid URL (POST /v1/nothing)" })],
    ["POST", "/openai/v1/chat/nothing", (body) => expect(body.error.type).toBe("invalid_request_error")],
    ["POST", "/somewhere", (body) => expect(body.error.type).toBe("invalid_request_error")],
    ["POST", "/v1/messages/nothing", (body) => expect(body).toMatchObject({ type: "error", error: { type: "not_found_error" } })],
    ["POST", "/anthropic/v1/nothing", (body) => expect(body).toMatchObject({ type: "error", error: { type: "not_found_error" } })],
    ["POST", "/v1beta/nothing", (body) => expect(body.error).toMatchObject({ code: 404, status: "NOT_FOUND" })],
    ["PUT", "/gemini/v1beta/nothing", (body) => expect(body.error).toMatchObject({ code: 404, status: "NOT_FOUND" })],
    ["DELETE", "/api/nothing", (body) => expect(body.error).toBe("Not found: DELETE /api/nothing")],
  ];
  for (const [method, path, expectShape] of cases) {
    test(`${method} ${path}: a JSON 404 in the path's protocol shape`, async () => {
      const response = await fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: "{}" });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expectShape((await response.json()) as Json);
    });
  }

  test("mixed-case API paths are a 404, not the UI's HTML", async () => {
    for (const path of ["/API/providers", "/Api/models", "/V1/models", "/V1BETA/models", "/Health/detail"]) {
      const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.text()).not.toContain("<html");
    }
  });

  test("headers past Bun's 16 KB limit get Bun's own 431 before any gateway code runs", async () => {
    const connection = await openRaw(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`);
    const raw = await connection.waitFor("\r\n\r\n", 3_000);
    connection.socket.destroy();
    expect(raw).toStartWith("HTTP/1.1 431");
  });
});

describe("admin UI headers (item 8)", () => {
  test("the UI's HTML has a Content-Security-Policy allowing its inline script by hash, and may not be framed", async () => {
    for (const path of ["/", "/logs", "/models/42"]) {
      const response = await fetch(`${gateway.url}${path}`);
      const html = await response.text();
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).not.toContain("unsafe-inline");
      expect(policy).not.toContain("unsafe-eval");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      for (const script of inlineScripts(html)) {
        expect(policy).toContain(`'sha256-${new Bun.CryptoHasher("sha256").update(script).digest("base64")}'`);
      }
    }
  });

  test.skipIf(!existsSync("/usr/bin/chromium"))(
    "in Chromium the UI runs under its policy: every page, no violation, no error",
    async () => {
      const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
      try {
        for (const colorScheme of ["light", "dark"] as const) {
          const context = await browser.newContext({ colorScheme });
          await context.addInitScript((token) => {
            localStorage.setItem("llmio.token", token);
            const violations: string[] = [];
            Object.assign(window, { violations });
            document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`));
          }, TEST_TOKEN);
          const page = await context.newPage();
          const errors: string[] = [];
          page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
          page.on("pageerror", (error) => errors.push(error.message));
          for (const path of ["/", "/providers", "/models", "/logs", "/keys", "/settings", "/quick-start"]) {
            await page.goto(`${gateway.url}${path}`);
            await page.locator("main").first().waitFor();
            await page.waitForTimeout(300);
            const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
            expect({ colorScheme, path, violations, errors }).toEqual({ colorScheme, path, violations: [], errors: [] });
          }
          // The inline script ran (theme before the first paint).
          expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(colorScheme === "dark");
          await context.close();
        }
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

describe("CORS and Host (item 8)", () => {
  test("`Origin: null` is never allowed; a real origin still is", async () => {
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
    const refused = await preflight("null");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    await refused.text();
    const call = await fetch(`${gateway.url}/v1/models`, { headers: { origin: "null", authorization: `Bearer ${TEST_TOKEN}` } });
    expect(call.headers.get("access-control-allow-origin")).toBeNull();
    await call.text();
    const allowed = await preflight("https://chat.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
  });

  /** A request with this Host header, sent as a browser would after DNS rebinding. */
  async function withHost(target: TestGateway, host: string, path: string, headers = "") {
    const connection = await openRaw(Number(new URL(target.url).port), `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`);
    await connection.closedWithin(3_000);
    return parseResponse(connection.received());
  }

  test("a loopback-bound gateway refuses Host names it does not serve (DNS rebinding), in the path's shape", async () => {
    const admin = await withHost(gateway, `attacker.example:${port}`, "/api/providers", `Authorization: Bearer ${TEST_TOKEN}\r\n`);
    expect(admin.status).toBe(421);
    expect(JSON.parse(admin.body).error).toContain('"attacker.example"');
    const ui = await withHost(gateway, "attacker.example", "/");
    expect(ui.status).toBe(421);
    expect(ui.body).not.toContain("<html");
    const anthropic = await withHost(gateway, "attacker.example", "/v1/messages");
    expect(JSON.parse(anthropic.body).type).toBe("error");
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "LOCALHOST", `[::1]:${port}`, "127.3.4.5", "gateway.localhost"]) {
      const served = await withHost(gateway, host, "/health");
      expect({ host, status: served.status }).toEqual({ host, status: 200 });
    }
  });

  test("the Host check's memory of served names never lets another name through: past its bound, after a flood of refused names", async () => {
    // 100 served loopback names: more than the check remembers (64), so the later ones are checked in full.
    for (let index = 0; index < 100; index++) {
      const served = await withHost(gateway, `127.0.${index}.1:${port}`, "/health");
      expect({ index, status: served.status }).toEqual({ index, status: 200 });
    }
    for (let index = 0; index < 50; index++) {
      const refused = await withHost(gateway, `attacker${index}.example:${port}`, "/health");
      expect({ index, status: refused.status }).toEqual({ index, status: 421 });
    }
    // A name served before stays served; the same attacker name stays refused.
    expect((await withHost(gateway, `127.0.0.1:${port}`, "/health")).status).toBe(200);
    expect((await withHost(gateway, `attacker0.example:${port}`, "/health")).status).toBe(421);
  });

  test("LLMIO_ALLOWED_HOSTS serves the names listed (a reverse proxy's), still refusing others", async () => {
    const behindProxy = startTestGateway({ http: { hosts: { boundHost: "127.0.0.1", allowedHosts: ["llm.example.com", "*.corp.example"] } } });
    try {
      for (const [host, status] of [
        ["llm.example.com", 200],
        ["LLM.example.com:443", 200],
        ["a.corp.example", 200],
        ["corp.example", 421],
        ["attacker.example", 421],
        ["127.0.0.1", 200],
      ] as const) {
        const response = await withHost(behindProxy, host, "/health");
        expect({ host, status: response.status }).toEqual({ host, status });
      }
    } finally {
      await behindProxy.stop();
    }
  });
});
