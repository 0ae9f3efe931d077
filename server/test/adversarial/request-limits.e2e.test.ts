/**
 * Issue 12, item 5, the request side: no request size limit. A 100 MB request was accepted on
 * every protocol (≈390 MB RSS each), a 200 MB one got Bun's bare 413 or a reset. Now a proxied
 * body past LLMIO_MAX_REQUEST_BODY_MB (default 32) is a 413 in the client's own error shape,
 * refused from its Content-Length before any of it is read, or counted while it arrives
 * (chunked) and abandoned at the limit; admin bodies stay under 1 MB. Refusals are counted in
 * `llmio_limit_refusals_total{limit="request_body"}`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { startServeProcess, type ServeProcess } from "../serve-process.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";
import { openRaw, parseResponse } from "./raw-http.ts";

type Json = Record<string, any>;

const MB = 1024 * 1024;
const DEFAULT_LIMIT = 32 * MB;
const MODEL = "limits-model";
const AUTH = { authorization: `Bearer ${TEST_TOKEN}`, "x-api-key": TEST_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json" };

/** A client protocol: its path, a request carrying `text`, and how its 413 must look. */
interface ClientProtocol {
  name: string;
  path: string;
  body(text: string): Json;
  expectShape(body: Json): void;
}

const openaiShape = (body: Json) => {
  expect(body.error.type).toBe("invalid_request_error");
  expect(body.error.message).toContain("32 MB limit");
};
const CLIENTS: ClientProtocol[] = [
  { name: "openai-chat", path: "/v1/chat/completions", body: (text) => ({ model: MODEL, messages: [{ role: "user", content: text }] }), expectShape: openaiShape },
  { name: "openai-responses", path: "/v1/responses", body: (text) => ({ model: MODEL, input: text }), expectShape: openaiShape },
  {
    name: "anthropic",
    path: "/v1/messages",
    body: (text) => ({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: text }] }),
    expectShape: (body) => {
      expect(body.type).toBe("error");
      expect(body.error.type).toBe("request_too_large");
      expect(body.error.message).toContain("32 MB limit");
    },
  },
  {
    name: "gemini",
    path: `/v1beta/models/${MODEL}:generateContent`,
    body: (text) => ({ contents: [{ role: "user", parts: [{ text }] }] }),
    expectShape: (body) => {
      expect(body.error.code).toBe(413);
      expect(body.error.status).toBe("INVALID_ARGUMENT");
      expect(body.error.message).toContain("32 MB limit");
    },
  },
];

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  // Served to every client protocol (translated): the old gateway answered the 40 MB requests with 200.
  await configureModel(gateway, MODEL, [{ name: "limits-openai", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
});

afterAll(async () => {
  await gateway?.stop();
  upstream?.stop();
});

async function refusalCount(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
  const line = metrics.split("\n").find((entry) => entry.startsWith('llmio_limit_refusals_total{limit="request_body"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

describe("proxied request bodies", () => {
  const filler = "a".repeat(40 * MB);

  for (const client of CLIENTS) {
    test(`${client.name}: a 40 MB request is a 413 in the protocol's shape`, async () => {
      const response = await fetch(`${gateway.url}${client.path}`, { method: "POST", headers: AUTH, body: JSON.stringify(client.body(filler)) });
      expect(response.status).toBe(413);
      client.expectShape((await response.json()) as Json);
    });
  }

  test("a request within the limit (a few MB of image data) is served", async () => {
    const image = `data:image/png;base64,${Buffer.alloc(3 * MB, 7).toString("base64")}`;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: image } }] }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).choices[0].message.content.length).toBeGreaterThan(0);
  });

  test("a body declared at 200 MB gets the gateway's 413 at once, before any of it is sent", async () => {
    for (const client of CLIENTS) {
      const connection = await openRaw(
        Number(new URL(gateway.url).port),
        `POST ${client.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nx-api-key: ${TEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${200 * MB}\r\n\r\n`,
      );
      const raw = await connection.waitFor(/\r\n\r\n[\s\S]*\}/, 3_000);
      connection.socket.destroy();
      const response = parseResponse(raw);
      expect(response.status).toBe(413);
      expect(response.headers["content-type"]).toContain("application/json");
      client.expectShape(JSON.parse(response.body));
    }
  });

  test("a chunked body is read only up to the limit, then refused", async () => {
    const connection = await openRaw(
      Number(new URL(gateway.url).port),
      `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${TEST_TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = Buffer.concat([Buffer.from(`${MB.toString(16)}\r\n`), Buffer.alloc(MB, 0x61), Buffer.from("\r\n")]);
    let answeredAfter: number | undefined;
    const answered = connection.waitFor("\r\n\r\n", 30_000).then(() => (answeredAfter = connection.bytesSent()));
    // Up to 200 MB, as fast as the gateway takes it, until it answers.
    for (let sent = 0; sent < 200 && answeredAfter === undefined && !connection.socket.destroyed; sent++) {
      if (!connection.socket.write(chunk)) await new Promise((resume) => connection.socket.once("drain", resume).once("close", resume));
    }
    await answered;
    const raw = await connection.waitFor(/\r\n\r\n[\s\S]*\}/, 3_000);
    connection.socket.destroy();
    const response = parseResponse(raw);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.type).toBe("request_too_large");
    // The answer came when the limit was reached, not after the 200 MB (kernel buffers hold a few MB).
    expect(answeredAfter!).toBeLessThan(DEFAULT_LIMIT + 16 * MB);
  }, 30_000);

  test("refusals are counted in the metrics", async () => {
    const before = await refusalCount(gateway.url);
    await (await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: AUTH, body: JSON.stringify(CLIENTS[0].body("b".repeat(33 * MB))) })).text();
    expect(await refusalCount(gateway.url)).toBe(before + 1);
  });
});

describe("admin request bodies", () => {
  test("a 2 MB admin body is a 413 JSON, with or without the token (Elysia would parse it before authenticating)", async () => {
    const body = JSON.stringify({ name: "x".repeat(2 * MB), type: "openai", baseUrl: "http://127.0.0.1:9", apiKeys: [] });
    for (const headers of [AUTH, { "content-type": "application/json" }]) {
      const response = await fetch(`${gateway.url}/api/providers`, { method: "POST", headers, body });
      expect(response.status).toBe(413);
      expect(((await response.json()) as Json).error).toContain("1 MB limit");
    }
  });

  test("a chunked admin body is a 411 JSON: it could not be bounded before being read", async () => {
    const connection = await openRaw(
      Number(new URL(gateway.url).port),
      `POST /api/providers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    connection.socket.write(`2\r\n{}\r\n`);
    const raw = await connection.waitFor(/\r\n\r\n[\s\S]*\}/, 3_000);
    connection.socket.destroy();
    const response = parseResponse(raw);
    expect(response.status).toBe(411);
    expect(JSON.parse(response.body).error).toContain("Content-Length");
  });

  test("the LLMIO database upload is the one admin body past 1 MB: streamed to disk with the token, refused without it", async () => {
    const file = new Uint8Array(5 * MB).fill(7);
    const url = `${gateway.url}/api/import/llmio/upload`;
    const refused = await fetch(url, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file });
    expect(refused.status).toBe(401);
    const accepted = await fetch(url, { method: "POST", headers: { ...AUTH, "content-type": "application/octet-stream" }, body: file });
    expect(accepted.status).toBe(200);
    const { upload, bytes } = (await accepted.json()) as { upload: string; bytes: number };
    expect(bytes).toBe(5 * MB);
    // Five megabytes of 0x07 are no database: a 400 that says so, not a crash.
    const imported = await fetch(`${gateway.url}/api/import/llmio`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ upload, dryRun: true, replace: false, withLogs: false, sinceDays: null }),
    });
    expect(imported.status).toBe(400);
    expect(((await imported.json()) as Json).error).toContain("not a SQLite database");
  });

  test("ordinary admin calls still work", async () => {
    const providers = await gateway.admin<Json[]>("GET", "/api/providers");
    expect(providers.length).toBeGreaterThan(0);
  });
});

describe("memory of a real `llmio serve` process under 100 MB requests", () => {
  /** Peak RSS growth allowed for four 100 MB requests; the old gateway took ≈390 MB for each. */
  const MAX_GROWTH_MB = 128;
  let served: ServeProcess | undefined;

  afterAll(() => served?.stop());

  test("each protocol refuses 100 MB, declared or chunked, and peak RSS stays bounded", async () => {
    served = await startServeProcess({ token: TEST_TOKEN });
    const { url } = served;
    const provider = await fetch(`${url}/api/providers`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ name: "p", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-1234"] }),
    }).then((response) => response.json() as Promise<Json>);
    const model = await fetch(`${url}/api/models`, { method: "POST", headers: AUTH, body: JSON.stringify({ name: MODEL, maxRetry: 0, timeoutMs: 20_000 }) }).then(
      (response) => response.json() as Promise<Json>,
    );
    await fetch(`${url}/api/model-providers`, { method: "POST", headers: AUTH, body: JSON.stringify({ modelId: model.id, providerId: provider.id, providerModel: "fake-model" }) });
    // Warm up the measured path, so the baseline includes the code, not just the start.
    const warm = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: AUTH, body: JSON.stringify(CLIENTS[0].body("hi")) });
    expect(warm.status).toBe(200);
    await warm.text();
    const before = served.peakRssMb();

    const hundredMb = JSON.stringify(CLIENTS[0].body("c".repeat(100 * MB)));
    for (const client of CLIENTS) {
      const declared = await fetch(`${url}${client.path}`, { method: "POST", headers: AUTH, body: hundredMb });
      expect(declared.status).toBe(413);
      client.expectShape((await declared.json()) as Json);
    }
    let pieces = 0;
    const piece = new TextEncoder().encode(hundredMb.slice(0, 4 * MB));
    const chunked = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: AUTH,
      body: new ReadableStream({
        pull(controller) {
          if (pieces++ === 25) controller.close();
          else controller.enqueue(piece);
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    openaiShape((await chunked.json()) as Json);
    const after = served.peakRssMb();
    console.log(`llmio serve peak RSS: ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB after four 100 MB requests and a chunked one`);
    expect(after - before).toBeLessThan(MAX_GROWTH_MB);
  }, 60_000);
});
