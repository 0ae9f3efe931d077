import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import type { StreamEvent } from "../core/canonical.ts";
import { gemini } from "../protocols/gemini/index.ts";
import { decodeSse, readSseJson } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, startFakeUpstream } from "./index.ts";
import { fakeEmbedding } from "./openai-embeddings.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, any>;

const KEY = { "x-goog-api-key": "test-key", "content-type": "application/json" };
const SYSTEM = { parts: [{ text: "You are terse." }] }; // 14 chars
const CONTENTS = [{ role: "user", parts: [{ text: "Hello   there,\n world" }] }]; // 21 chars
const PROMPT_TOKENS = Math.ceil((14 + 21) / 4);
const WEATHER_TOOLS = [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object" } }] }];

function call(model: string, method: string, body: Json, options: { query?: string; headers?: Record<string, string>; prefix?: string; signal?: AbortSignal } = {}) {
  const prefix = options.prefix ?? "/v1beta";
  return fetch(`${upstream.url}${prefix}/models/${model}:${method}${options.query ?? ""}`, {
    method: "POST",
    headers: { ...KEY, ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal,
  });
}

const generate = (body: Json = {}, model = "fake-model", headers?: Record<string, string>) =>
  call(model, "generateContent", { systemInstruction: SYSTEM, contents: CONTENTS, ...body }, { headers });
const streamSse = (body: Json = {}, model = "fake-model", headers?: Record<string, string>) =>
  call(model, "streamGenerateContent", { systemInstruction: SYSTEM, contents: CONTENTS, ...body }, { query: "?alt=sse", headers });

async function sseChunks(response: Response): Promise<{ chunks: Json[]; error?: unknown }> {
  const { frames, error } = await readSseJson(response);
  return { chunks: frames.map((frame) => frame.data), error };
}

const partsOf = (chunks: Json[]) => chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);

describe("generateContent", () => {
  test("echoes the last user text with Gemini's response shape and usage", async () => {
    const response = await generate();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body).toEqual({
      candidates: [{ content: { parts: [{ text: "Echo: Hello there, world" }], role: "model" }, finishReason: "STOP", index: 0 }],
      usageMetadata: {
        promptTokenCount: PROMPT_TOKENS,
        candidatesTokenCount: 4,
        totalTokenCount: PROMPT_TOKENS + 4,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: PROMPT_TOKENS }],
      },
      modelVersion: "fake-model",
      responseId: expect.stringMatching(/^fakeGemini\d+$/),
    });
    expect(upstream.lastRequest?.body).toEqual({ systemInstruction: SYSTEM, contents: CONTENTS });
  });

  test("also under /v1, with ?key= and with the models/ prefix in the path", async () => {
    const response = await fetch(`${upstream.url}/v1/models/models%2Ffake-model:generateContent?key=k1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] }] }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.candidates[0].content.parts).toEqual([{ text: "Echo: hi" }]);
    expect(body.modelVersion).toBe("fake-model");
  });

  test("a functionCall with a thoughtSignature when functions are declared and the user asks about weather", async () => {
    const body = await (await generate({ tools: WEATHER_TOOLS, contents: [{ role: "user", parts: [{ text: "What's the Weather in Paris?" }] }] })).json();
    const [part] = body.candidates[0].content.parts;
    expect(part.functionCall).toEqual({ name: "get_weather", args: { location: "Paris" } });
    expect(typeof part.thoughtSignature).toBe("string");
    expect(body.candidates[0].finishReason).toBe("STOP");
    expect(body.usageMetadata.candidatesTokenCount).toBe(3);
  });

  test("no call after a function response (the agent loop ends), none in NONE mode, the allowed name in ANY mode", async () => {
    const afterResult = await (
      await generate({
        tools: WEATHER_TOOLS,
        contents: [
          { role: "user", parts: [{ text: "weather?" }] },
          { role: "model", parts: [{ functionCall: { name: "get_weather", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
        ],
      })
    ).json();
    expect(afterResult.candidates[0].content.parts).toEqual([{ text: "Echo: weather?" }]);
    // The function output counts as prompt text: "weather?" (8) + "sunny" (5) + system (14).
    expect(afterResult.usageMetadata.promptTokenCount).toBe(Math.ceil((8 + 5 + 14) / 4));
    const none = await (await generate({ tools: WEATHER_TOOLS, toolConfig: { functionCallingConfig: { mode: "NONE" } } }, "fake-model+tool")).json();
    expect(none.candidates[0].content.parts[0].text).toBe("Echo: Hello there, world");
    const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }];
    const any = await (await generate({ tools, toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["b"] } } })).json();
    expect(any.candidates[0].content.parts[0].functionCall.name).toBe("b");
  });

  test("thoughts first with includeThoughts or the reasoning fault; maxOutputTokens truncates", async () => {
    const body = await (await generate({ generationConfig: { thinkingConfig: { includeThoughts: true } } })).json();
    const [thought, answer] = body.candidates[0].content.parts;
    expect(thought).toEqual({ text: "Thinking about: Hello there, world", thought: true, thoughtSignature: expect.any(String) });
    expect(answer).toEqual({ text: "Echo: Hello there, world" });
    // "Thinking about: Hello there, world" is five word chunks.
    expect(body.usageMetadata).toMatchObject({ candidatesTokenCount: 4, thoughtsTokenCount: 5, totalTokenCount: PROMPT_TOKENS + 9 });
    const faulted = await (await generate({}, "fake-model+reasoning")).json();
    expect(faulted.candidates[0].content.parts[0].thought).toBe(true);
    const off = await (await generate({ generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 0 } } })).json();
    expect(off.candidates[0].content.parts).toHaveLength(1);
    const short = await (await generate({ generationConfig: { maxOutputTokens: 2 } })).json();
    expect(short.candidates[0]).toMatchObject({ content: { parts: [{ text: "Echo: Hello " }] }, finishReason: "MAX_TOKENS" });
  });
});

describe("streamGenerateContent", () => {
  test("alt=sse: one chunk per word, then a final chunk with finishReason and full usage", async () => {
    const nonStream = await (await generate()).json();
    const response = await streamSse();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const raw = await response.clone().text();
    expect(raw).not.toContain("event:");
    expect(raw).toEndWith("\r\n\r\n");
    const { chunks, error } = await sseChunks(response);
    expect(error).toBeUndefined();
    expect(chunks.slice(0, -1).map((chunk) => chunk.candidates[0].content.parts[0].text)).toEqual(["Echo: ", "Hello ", "there, ", "world"]);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.candidates[0].finishReason).toBeUndefined();
      expect(chunk.usageMetadata.promptTokenCount).toBe(PROMPT_TOKENS);
      expect(chunk.responseId).toBe(chunks[0].responseId);
    }
    const last = chunks.at(-1)!;
    expect(last.candidates[0]).toEqual({ content: { parts: [{ text: "" }], role: "model" }, finishReason: "STOP", index: 0 });
    expect(last.usageMetadata).toEqual(nonStream.usageMetadata);
  });

  test("without alt=sse: the same chunks as one JSON array", async () => {
    const sse = (await sseChunks(await streamSse())).chunks;
    const response = await call("fake-model", "streamGenerateContent", { systemInstruction: SYSTEM, contents: CONTENTS });
    expect(response.headers.get("content-type")).toContain("application/json");
    const array = await response.json();
    expect(Array.isArray(array)).toBe(true);
    const strip = (chunks: Json[]) => chunks.map(({ responseId: _id, ...rest }) => rest);
    expect(strip(array)).toEqual(strip(sse));
  });

  test("thought chunks come first, the last one signed; a tool call is one chunk with its signature", async () => {
    const { chunks } = await sseChunks(await streamSse({ tools: WEATHER_TOOLS }, "fake-model+reasoning+tool"));
    const parts = partsOf(chunks);
    const thoughts = parts.filter((part) => part.thought);
    expect(thoughts.map((part) => part.text).join("")).toBe("Thinking about: Hello there, world");
    expect(thoughts.slice(0, -1).every((part) => part.thoughtSignature === undefined)).toBe(true);
    expect(typeof thoughts.at(-1)!.thoughtSignature).toBe("string");
    const calls = parts.filter((part) => part.functionCall);
    expect(calls).toHaveLength(1);
    expect(calls[0].functionCall).toEqual({ name: "get_weather", args: { location: "Paris" } });
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ candidatesTokenCount: 3, thoughtsTokenCount: 5 });
  });

  test("cut-after=N drops the connection after N content chunks, before any finishReason", async () => {
    const response = await streamSse({}, "fake-model+cut-after=2");
    expect(response.status).toBe(200);
    const { chunks, error } = await sseChunks(response);
    expect(error).toBeDefined();
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.candidates[0].finishReason === undefined)).toBe(true);
    const array = await call("fake-model+cut-after=1", "streamGenerateContent", { contents: CONTENTS }).then(
      (r) => r.text().then((text) => text, () => "broken"),
      () => "broken",
    );
    expect(array === "broken" || !array.trimEnd().endsWith("]")).toBe(true);
  });

  test("error-frame: one Google error chunk on a 200 stream, in both framings", async () => {
    const response = await streamSse({}, "fake-model", { "x-fake-fault": "error-frame" });
    expect(response.status).toBe(200);
    const { chunks } = await sseChunks(response);
    expect(chunks).toEqual([{ error: { code: 500, message: "Fake upstream fault: error frame", status: "INTERNAL" } }]);
    const array = await (await call("fake-model+error-frame", "streamGenerateContent", { contents: CONTENTS })).json();
    expect(array).toEqual(chunks);
  });
});

describe("faults and errors", () => {
  test("status fault from the model name in the path keeps the + and answers Google's envelope", async () => {
    const response = await call("fake-model+status=429+retry-after=7", "generateContent", { contents: CONTENTS });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toEqual({
      error: {
        code: 429,
        message: "Fake upstream fault: status 429",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" }],
      },
    });
    const encoded = await call(encodeURIComponent("fake-model+status=503"), "streamGenerateContent", { contents: CONTENTS }, { query: "?alt=sse" });
    expect(encoded.status).toBe(503);
    expect((await encoded.json()).error.status).toBe("UNAVAILABLE");
  });

  test("auth: a missing key is 403, a bad key 400 API_KEY_INVALID; bearer tokens are accepted", async () => {
    const missing = await call("fake-model", "generateContent", { contents: CONTENTS }, { headers: { "x-goog-api-key": "" } });
    expect(missing.status).toBe(403);
    expect((await missing.json()).error.status).toBe("PERMISSION_DENIED");
    const bad = await call("fake-model", "generateContent", { contents: CONTENTS }, { headers: { "x-goog-api-key": "bad-key" } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].reason).toBe("API_KEY_INVALID");
    const bearer = await call("fake-model", "generateContent", { contents: CONTENTS }, { headers: { "x-goog-api-key": "", authorization: "Bearer k" } });
    expect(bearer.status).toBe(200);
  });

  test("malformed JSON, missing contents, unknown methods and fault typos", async () => {
    const malformed = await fetch(`${upstream.url}/v1beta/models/fake-model:generateContent`, { method: "POST", headers: KEY, body: "{nope" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.status).toBe("INVALID_ARGUMENT");
    const noContents = await call("fake-model", "generateContent", {});
    expect(noContents.status).toBe(400);
    expect((await noContents.json()).error.message).toContain("contents is not specified");
    const unknown = await call("fake-model", "predict", { contents: CONTENTS });
    expect(unknown.status).toBe(404);
    const typo = await call("fake-model+stauts=500", "generateContent", { contents: CONTENTS });
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toContain("stauts");
  });

  test("hang is released when the client aborts", async () => {
    const error = await call("fake-model+hang", "generateContent", { contents: CONTENTS }, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
  });
});

describe("countTokens, embeddings, models", () => {
  test("countTokens matches generateContent's prompt count, for both request shapes", async () => {
    const plain = await (await call("fake-model", "countTokens", { contents: CONTENTS })).json();
    expect(plain.totalTokens).toBe(Math.ceil(21 / 4));
    const wrapped = await (
      await call("fake-model", "countTokens", { generateContentRequest: { model: "models/fake-model", systemInstruction: SYSTEM, contents: CONTENTS } })
    ).json();
    expect(wrapped).toEqual({ totalTokens: PROMPT_TOKENS, promptTokensDetails: [{ modality: "TEXT", tokenCount: PROMPT_TOKENS }] });
  });

  test("embedContent and batchEmbedContents return deterministic vectors", async () => {
    const single = await (await call("fake-embedding", "embedContent", { content: { parts: [{ text: "hello" }] } })).json();
    expect(single).toEqual({ embedding: { values: fakeEmbedding("hello", 8) } });
    const batch = await (
      await call("fake-embedding", "batchEmbedContents", {
        requests: [
          { model: "models/fake-embedding", content: { parts: [{ text: "hello" }] } },
          { model: "models/fake-embedding", content: { parts: [{ text: "world" }] }, outputDimensionality: 4 },
        ],
      })
    ).json();
    expect(batch.embeddings).toEqual([{ values: fakeEmbedding("hello", 8) }, { values: fakeEmbedding("world", 4) }]);
    expect((await call("fake-embedding", "embedContent", {})).status).toBe(400);
  });

  test("GET /v1beta/models lists models in Gemini's shape; one model by name", async () => {
    const list = await (await fetch(`${upstream.url}/v1beta/models`, { headers: KEY })).json();
    expect(list.models.map((model: Json) => model.name)).toEqual(["models/fake-model", "models/fake-model-mini"]);
    expect(list.models[0].supportedGenerationMethods).toContain("generateContent");
    const one = await (await fetch(`${upstream.url}/v1beta/models/fake-model?key=k`)).json();
    expect(one.name).toBe("models/fake-model");
    expect((await fetch(`${upstream.url}/v1beta/models`)).status).toBe(403);
  });
});

describe("the official @google/genai SDK", () => {
  const ai = () => new GoogleGenAI({ apiKey: "sdk-key", httpOptions: { baseUrl: upstream.url } });

  test("generateContent, generateContentStream, countTokens, embedContent", async () => {
    const client = ai();
    const response = await client.models.generateContent({ model: "fake-model", contents: "Hello SDK" });
    expect(response.text).toBe("Echo: Hello SDK");
    expect(response.usageMetadata?.candidatesTokenCount).toBe(3);

    let streamed = "";
    let finishReason: string | undefined;
    for await (const chunk of await client.models.generateContentStream({ model: "fake-model", contents: "Stream me please" })) {
      streamed += chunk.text ?? "";
      finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
    }
    expect(streamed).toBe("Echo: Stream me please");
    expect(finishReason).toBe("STOP");

    const counted = await client.models.countTokens({ model: "fake-model", contents: "12345678" });
    expect(counted.totalTokens).toBe(2);
    const embedded = await client.models.embedContent({ model: "fake-embedding", contents: "hello" });
    expect(embedded.embeddings?.[0]?.values).toEqual(fakeEmbedding("hello", 8));
  });

  test("function calls and thoughts come through the SDK's types", async () => {
    const response = await ai().models.generateContent({
      model: "fake-model",
      contents: "weather in Paris?",
      config: {
        tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object" } }] }],
        thinkingConfig: { includeThoughts: true },
      },
    });
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { location: "Paris" } }]);
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0].thought).toBe(true);
    expect(parts[1].thoughtSignature).toBeDefined();
  });
});

describe("the gateway's Gemini codec reads the fake", () => {
  // a cut connection ends the read; what was decoded so far is returned
  const decoded = (response: Response) => decodeSse(response, gemini.decodeStream(), { keepOnBreak: true });

  test("reasoning + tool call stream and the non-stream response agree", async () => {
    const events = await decoded(await streamSse({ tools: WEATHER_TOOLS }, "fake-model+reasoning+tool"));
    expect(events[0].type).toBe("response-start");
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === "reasoning-delta")).toHaveLength(5);
    expect(types.slice(-5)).toEqual(["reasoning-end", "tool-input-start", "tool-input-delta", "tool-input-end", "finish"]);
    const finish = events.at(-1) as Extract<StreamEvent, { type: "finish" }>;
    expect(finish.finishReason).toBe("tool-calls");
    const response = gemini.decodeResponse(await (await generate({ tools: WEATHER_TOOLS }, "fake-model+reasoning+tool")).json());
    expect(response.finishReason).toBe("tool-calls");
    expect(response.usage).toEqual(finish.usage);
    expect(response.content.map((part) => part.type)).toEqual(["reasoning", "tool-call"]);
  });

  test("a cut stream decodes to an error event, never a finish", async () => {
    const events = await decoded(await streamSse({}, "fake-model+cut-after=2"));
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });
});
