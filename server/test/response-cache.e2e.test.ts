/**
 * The response cache and in-flight coalescing (issue 18), through a real gateway against the
 * fake upstream: hits, misses and bypasses in all four client protocols, a cached answer replayed
 * as a stream to the official SDKs, coalescing under concurrency, the leader failing, purging,
 * partitions per client key and the log rows of all of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { anthropicClient } from "./clients/anthropic-client.ts";
import { geminiClient } from "./clients/gemini-client.ts";
import type { ClientAdapter } from "./clients/normalized.ts";
import { openaiChatClient } from "./clients/openai-chat-client.ts";
import { openaiResponsesClient } from "./clients/openai-responses-client.ts";

/** The official SDKs (openai, @anthropic-ai/sdk, @google/genai). */
const CLIENTS: Record<string, ClientAdapter> = { "openai-chat": openaiChatClient, "openai-responses": openaiResponsesClient, anthropic: anthropicClient, gemini: geminiClient };

let upstream: FakeUpstream;
let gateway: TestGateway;

/** A cached public model served by one fake provider of the given type; returns its name. */
async function cachedModel(name: string, type: "openai" | "openai-responses" | "anthropic" | "gemini", providerModel: string, fields: Record<string, unknown> = {}) {
  const baseUrl = type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`;
  const model = await configureModel(gateway, name, [{ name: `${name}-provider`, type, baseUrl, providerModel }], { maxRetry: 0 });
  await gateway.admin("PUT", `/api/models/${model.id}`, { cacheTtlSeconds: 3600, ...fields });
  return name;
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  await cachedModel("cached-openai", "openai", "fake-model");
  await cachedModel("cached-anthropic", "anthropic", "fake-model");
  await cachedModel("cached-slow", "openai", "fake-model+first-byte-delay=300");
  await cachedModel("cached-slow-stream", "openai", "fake-model+token-delay=30");
  await cachedModel("cached-cut-stream", "openai", "fake-model+words=20+token-delay=30+cut-after=8");
  await cachedModel("cached-broken", "openai", "fake-model+first-byte-delay=200+status=500");
  await cachedModel("cached-everything", "openai", "fake-model", { cacheEverything: true });
  await cachedModel("cached-per-key", "openai", "fake-model", { cachePerKey: true });
  await cachedModel("cached-no-coalesce", "openai", "fake-model+first-byte-delay=200", { coalesce: false });
  await configureModel(gateway, "uncached", [{ name: "uncached-provider", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

type Protocol = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

/** One raw request in a protocol's own shape, temperature 0 unless said; the same answer limit everywhere, so the protocols share entries. */
function send(protocol: Protocol, model: string, text: string, options: { stream?: boolean; temperature?: number; headers?: Record<string, string>; key?: string } = {}) {
  const temperature = options.temperature ?? 0;
  const stream = options.stream ?? false;
  const auth = { authorization: `Bearer ${options.key ?? TEST_TOKEN}`, "content-type": "application/json", ...options.headers };
  const post = (path: string, body: unknown) => fetch(`${gateway.url}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
  switch (protocol) {
    case "openai-chat":
      return post("/v1/chat/completions", { model, temperature, stream, max_tokens: 200, messages: [{ role: "user", content: text }] });
    case "openai-responses":
      return post("/v1/responses", { model, temperature, stream, max_output_tokens: 200, input: text });
    case "anthropic":
      return post("/v1/messages", { model, temperature, stream, max_tokens: 200, messages: [{ role: "user", content: text }] });
    case "gemini":
      return post(`/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`, {
        contents: [{ role: "user", parts: [{ text }] }],
        generationConfig: { temperature, maxOutputTokens: 200 },
      });
  }
}

/** The answer's text, whatever the protocol and stream mode (SSE bodies: the text of every data frame's deltas). */
async function textOf(protocol: Protocol, response: Response): Promise<string> {
  const body = await response.text();
  if (!response.headers.get("content-type")?.includes("text/event-stream")) {
    const json = JSON.parse(body);
    if (protocol === "openai-chat") return json.choices[0].message.content;
    if (protocol === "openai-responses") return json.output.flatMap((item: any) => item.content ?? []).map((part: any) => part.text).join("");
    if (protocol === "anthropic") return json.content.map((part: any) => part.text ?? "").join("");
    return json.candidates[0].content.parts.map((part: any) => part.text ?? "").join("");
  }
  let text = "";
  for (const line of body.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const data = JSON.parse(line.slice(6));
    if (protocol === "openai-chat") text += data.choices?.[0]?.delta?.content ?? "";
    else if (protocol === "openai-responses") text += data.type === "response.output_text.delta" ? data.delta : "";
    else if (protocol === "anthropic") text += data.type === "content_block_delta" ? (data.delta.text ?? "") : "";
    else text += (data.candidates?.[0]?.content?.parts ?? []).map((part: any) => part.text ?? "").join("");
  }
  return text;
}

const PROTOCOLS: Protocol[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];

describe("hit, miss and bypass in every client protocol", () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol}: the second identical request is a hit, answered without the upstream, streamed or not`, async () => {
      const question = `cache me, ${protocol}`;
      const before = upstream.requests;
      const first = await send(protocol, "cached-openai", question);
      expect(first.status).toBe(200);
      expect(first.headers.get("x-llmio-cache")).toBe("miss");
      const firstText = await textOf(protocol, first);
      expect(firstText).toContain("cache me");
      await Bun.sleep(20);

      const second = await send(protocol, "cached-openai", question);
      expect(second.headers.get("x-llmio-cache")).toBe("hit");
      expect(Number(second.headers.get("age"))).toBeGreaterThanOrEqual(0);
      expect(await textOf(protocol, second)).toBe(firstText);

      // The same request as a stream: the cached answer replayed in the protocol's stream grammar.
      const streamed = await send(protocol, "cached-openai", question, { stream: true });
      expect(streamed.headers.get("x-llmio-cache")).toBe("hit");
      expect(streamed.headers.get("content-type")).toContain("text/event-stream");
      expect(await textOf(protocol, streamed)).toBe(firstText);
      expect(upstream.requests - before).toBe(1);
    });

    test(`${protocol}: a translated answer (Anthropic provider) is cached in the client's protocol too`, async () => {
      const question = `translated cache, ${protocol}`;
      const before = upstream.requests;
      const first = await send(protocol, "cached-anthropic", question, { stream: true });
      expect(first.headers.get("x-llmio-cache")).toBe("miss");
      const firstText = await textOf(protocol, first);
      await Bun.sleep(20);
      const second = await send(protocol, "cached-anthropic", question);
      expect(second.headers.get("x-llmio-cache")).toBe("hit");
      expect(await textOf(protocol, second)).toBe(firstText);
      expect(upstream.requests - before).toBe(1);
    });
  }

  test("requests with randomness, no-store and x-llmio-cache: bypass are bypassed; no-cache and refresh fetch again and store", async () => {
    const before = upstream.requests;
    const random = await send("openai-chat", "cached-openai", "random one", { temperature: 0.7 });
    expect(random.headers.get("x-llmio-cache")).toBe("bypass");
    await random.text();
    const randomAgain = await send("openai-chat", "cached-openai", "random one", { temperature: 0.7 });
    expect(randomAgain.headers.get("x-llmio-cache")).toBe("bypass");
    await randomAgain.text();
    expect(upstream.requests - before).toBe(2);

    await (await send("openai-chat", "cached-openai", "directives")).text();
    await Bun.sleep(20);
    for (const headers of [{ "cache-control": "no-store" }, { "x-llmio-cache": "bypass" }] as Record<string, string>[]) {
      const response = await send("openai-chat", "cached-openai", "directives", { headers });
      expect(response.headers.get("x-llmio-cache")).toBe("bypass");
      await response.text();
    }
    for (const headers of [{ "cache-control": "no-cache" }, { "x-llmio-cache": "refresh" }] as Record<string, string>[]) {
      const response = await send("openai-chat", "cached-openai", "directives", { headers });
      expect(response.headers.get("x-llmio-cache")).toBe("miss");
      await response.text();
    }
    await Bun.sleep(20);
    const hit = await send("openai-chat", "cached-openai", "directives");
    expect(hit.headers.get("x-llmio-cache")).toBe("hit");
    await hit.text();
    // Two random, one first fetch, two bypasses, two refreshes; the last was a hit.
    expect(upstream.requests - before).toBe(7);
  });

  test("a model without a cache TTL answers as before: no header, every request upstream", async () => {
    const before = upstream.requests;
    for (let i = 0; i < 2; i++) {
      const response = await send("openai-chat", "uncached", "never cached");
      expect(response.headers.get("x-llmio-cache")).toBeNull();
      await response.text();
    }
    expect(upstream.requests - before).toBe(2);
  });

  test("cacheEverything caches requests with randomness too", async () => {
    const before = upstream.requests;
    await (await send("openai-chat", "cached-everything", "random but cached", { temperature: 1 })).text();
    await Bun.sleep(20);
    const second = await send("openai-chat", "cached-everything", "random but cached", { temperature: 1 });
    expect(second.headers.get("x-llmio-cache")).toBe("hit");
    await second.text();
    expect(upstream.requests - before).toBe(1);
  });
});

describe("real SDKs read a replayed stream", () => {
  for (const [name, client] of Object.entries(CLIENTS)) {
    test(`${name}: a cached answer streamed to the SDK reads like the live one`, async () => {
      const before = upstream.requests;
      const live = await client({ baseUrl: gateway.url, apiKey: TEST_TOKEN, model: "cached-everything", scenario: "text", stream: false });
      await Bun.sleep(20);
      const replayed = await client({ baseUrl: gateway.url, apiKey: TEST_TOKEN, model: "cached-everything", scenario: "text", stream: true });
      expect(replayed.text).toBe(live.text);
      expect(replayed.finishReason).toBe("stop");
      // Usage is reported as the original's.
      expect(replayed.inputTokens).toBe(live.inputTokens);
      expect(replayed.outputTokens).toBe(live.outputTokens);
      expect(upstream.requests - before).toBeLessThanOrEqual(1);
    });
  }
});

describe("coalescing", () => {
  test("twenty identical requests in flight make one upstream call; all get the same answer", async () => {
    const before = upstream.requests;
    const responses = await Promise.all(Array.from({ length: 20 }, () => send("openai-chat", "cached-slow", "coalesce me")));
    const texts = await Promise.all(responses.map((response) => textOf("openai-chat", response)));
    expect(upstream.requests - before).toBe(1);
    expect(new Set(texts).size).toBe(1);
    const statuses = responses.map((response) => response.headers.get("x-llmio-cache"));
    expect(statuses.filter((status) => status === "miss")).toHaveLength(1);
    expect(statuses.filter((status) => status === "hit")).toHaveLength(19);
  });

  test("stream clients waiting on one another share one upstream stream, in their own protocols", async () => {
    const before = upstream.requests;
    const protocols: Protocol[] = ["openai-chat", "anthropic", "openai-chat", "gemini", "openai-responses", "anthropic"];
    const responses = await Promise.all(protocols.map((protocol) => send(protocol, "cached-slow-stream", "coalesced stream", { stream: true })));
    const texts = await Promise.all(responses.map((response, index) => textOf(protocols[index], response)));
    expect(upstream.requests - before).toBe(1);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toContain("coalesced stream");
  });

  test("a streaming client joining a stream already under way follows it live, in its own protocol, before it ends", async () => {
    const before = upstream.requests;
    const leader = await send("openai-chat", "cached-slow-stream", "live fan-out words", { stream: true });
    let leaderDone = false;
    const leaderText = textOf("openai-chat", leader).then((text) => ((leaderDone = true), text));
    await Bun.sleep(120);
    const follower = await send("anthropic", "cached-slow-stream", "live fan-out words", { stream: true });
    expect(follower.headers.get("x-llmio-cache")).toBe("hit");
    const reader = follower.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Its first bytes came while the shared stream was still running.
    expect(leaderDone).toBe(false);
    let rest = new TextDecoder().decode(first.value);
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value);
    const followerText = await textOf("anthropic", new Response(rest, { headers: { "content-type": "text/event-stream" } }));
    expect(followerText).toBe(await leaderText);
    expect(rest).toContain("event: message_stop");
    expect(upstream.requests - before).toBe(1);
  });

  test("a stream cut upstream after a follower joined ends the follower's stream with its protocol's error event", async () => {
    const leader = await send("openai-chat", "cached-cut-stream", "cut while shared", { stream: true });
    const leaderText = leader.text();
    await Bun.sleep(100);
    const follower = await send("anthropic", "cached-cut-stream", "cut while shared", { stream: true });
    expect(follower.headers.get("x-llmio-cache")).toBe("hit");
    const body = await follower.text();
    expect(body).toContain("event: error");
    expect(body).not.toContain("event: message_stop");
    await leaderText;
    await Bun.sleep(30);
    await gateway.logWriter.flush();
    const rows = await gateway.admin("GET", `/api/logs/${follower.headers.get("x-llmio-trace-id")}/attempts`);
    expect(rows[0]).toMatchObject({ status: "error", cacheStatus: "hit", providerId: null });
    // Nothing was stored: the next request goes upstream.
    const after = await send("openai-chat", "cached-cut-stream", "cut while shared", { stream: true });
    expect(after.headers.get("x-llmio-cache")).toBe("miss");
    await after.text();
  });

  test("when the first request fails, the waiting ones call the upstream themselves and none is stored", async () => {
    const before = upstream.requests;
    const responses = await Promise.all(Array.from({ length: 5 }, () => send("openai-chat", "cached-broken", "fails for all")));
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(500);
      await response.text();
    }
    expect(upstream.requests - before).toBe(5);
  });

  test("coalesce off: identical requests in flight each call the upstream (and the cache still answers later ones)", async () => {
    const before = upstream.requests;
    const responses = await Promise.all(Array.from({ length: 3 }, () => send("openai-chat", "cached-no-coalesce", "no coalescing")));
    await Promise.all(responses.map((response) => response.text()));
    expect(upstream.requests - before).toBe(3);
    await Bun.sleep(20);
    const later = await send("openai-chat", "cached-no-coalesce", "no coalescing");
    expect(later.headers.get("x-llmio-cache")).toBe("hit");
    await later.text();
  });

  test("a waiting client that goes away leaves the others unaffected", async () => {
    const before = upstream.requests;
    const leader = send("openai-chat", "cached-slow", "abandoned waiter");
    await Bun.sleep(30);
    const abort = new AbortController();
    const waiter = fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      signal: abort.signal,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "cached-slow", temperature: 0, max_tokens: 200, messages: [{ role: "user", content: "abandoned waiter" }] }),
    }).catch((error: Error) => error);
    await Bun.sleep(30);
    abort.abort();
    expect(await waiter).toBeInstanceOf(Error);
    await Bun.sleep(20);
    await gateway.logWriter.flush();
    const left = await gateway.admin("GET", "/api/logs?model=cached-slow&reason=client_closed");
    expect(left.items.length).toBeGreaterThan(0);
    const answer = await leader;
    expect(answer.headers.get("x-llmio-cache")).toBe("miss");
    expect(await textOf("openai-chat", answer)).toContain("abandoned waiter");
    expect(upstream.requests - before).toBe(1);
  });
});

describe("partitions, purging and the log", () => {
  test("cachePerKey: each client key has its own entries", async () => {
    const keyA = (await gateway.admin("POST", "/api/auth-keys", { name: "cache-a" })).key;
    const keyB = (await gateway.admin("POST", "/api/auth-keys", { name: "cache-b" })).key;
    const before = upstream.requests;
    await (await send("openai-chat", "cached-per-key", "per key", { key: keyA })).text();
    await Bun.sleep(20);
    const sameKey = await send("openai-chat", "cached-per-key", "per key", { key: keyA });
    expect(sameKey.headers.get("x-llmio-cache")).toBe("hit");
    await sameKey.text();
    const otherKey = await send("openai-chat", "cached-per-key", "per key", { key: keyB });
    expect(otherKey.headers.get("x-llmio-cache")).toBe("miss");
    await otherKey.text();
    expect(upstream.requests - before).toBe(2);
  });

  test("a hit is logged with its own status: no provider, no tokens, the original's tokens and cost as saved", async () => {
    await (await send("openai-chat", "cached-openai", "logged hit")).text();
    await Bun.sleep(20);
    const hit = await send("openai-chat", "cached-openai", "logged hit");
    await hit.text();
    const [row] = await logsOf(gateway, hit.headers.get("x-llmio-trace-id")!);
    expect(row).toMatchObject({ status: "success", cacheStatus: "hit", providerId: null, totalTokens: 0, cost: null });
    expect(row.savedTokens).toBeGreaterThan(0);
    const misses = await gateway.admin("GET", "/api/logs?cacheStatus=miss&model=cached-openai");
    expect(misses.items.length).toBeGreaterThan(0);
    // /metrics counts hits and misses per model, and a hit is no upstream attempt.
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    expect(metrics).toMatch(/llmio_cache_requests_total\{model="cached-openai",result="hit"\} [1-9]/);
    expect(metrics).toMatch(/llmio_cache_requests_total\{model="cached-openai",result="miss"\} [1-9]/);
    expect(metrics).toMatch(/llmio_cache_saved_tokens_total\{model="cached-openai"\} [1-9]/);
    expect(metrics).not.toContain('llmio_upstream_attempts_total{model="cached-openai",provider=""');
  });

  test("stats count the stored answers; purging one model empties its entries on every tier", async () => {
    await (await send("openai-chat", "cached-openai", "purge me")).text();
    await Bun.sleep(50);
    const stats = await gateway.admin("GET", "/api/cache");
    expect(stats.entries).toBeGreaterThan(0);
    expect(stats.byModel.map((entry: { model: string }) => entry.model)).toContain("cached-openai");
    expect(stats.memoryBytes).toBeGreaterThan(0);

    const { purged } = await gateway.admin("DELETE", "/api/cache?model=cached-openai");
    expect(purged).toBeGreaterThan(0);
    const after = await send("openai-chat", "cached-openai", "purge me");
    expect(after.headers.get("x-llmio-cache")).toBe("miss");
    await after.text();
    const left = await gateway.admin("GET", "/api/cache");
    expect(left.byModel.find((entry: { model: string }) => entry.model === "cached-openai")?.entries ?? 0).toBeLessThanOrEqual(1);
  });
});
