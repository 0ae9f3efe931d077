import { describe, expect, test } from "bun:test";
import { type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { RequestContext, SseEvent } from "../../core/wire-protocol.ts";
import { parseSseJson, pipe, sseFixture, streamProblems } from "../test-kit/index.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeStream } from "./encode-stream.ts";
import { isStreamEnd, streamEventError, usageFromStreamEvent } from "./fast-path.ts";
import { gemini } from "./index.ts";
import { openEnvelope } from "./signatures.ts";
import type { GeminiResponse } from "./wire-types.ts";

const frames = (name: string) => sseFixture(import.meta.dir, name);
const decode = (events: SseEvent[]) => pipe(decodeStream(), events);
const chunk = (body: object): SseEvent => ({ data: JSON.stringify(body) });
const request = (fields: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: "client-model",
  system: [],
  messages: [],
  tools: [],
  stream: true,
  extras: {},
  ...fields,
});

/** The JSON bodies of an encoded SSE stream, parsed with a real SSE parser. */
async function sseBodies(text: string): Promise<GeminiResponse[]> {
  return (await parseSseJson<GeminiResponse>(text)).map((frame) => frame.data);
}

async function encode(events: StreamEvent[], context: RequestContext = { stream: true, streamFormat: "sse" }, fields: Partial<CanonicalRequest> = {}) {
  const output = await pipe(encodeStream(request(fields), context), events);
  return output.join("");
}

const partsOf = (bodies: GeminiResponse[]) => bodies.flatMap((body) => body.candidates?.[0]?.content?.parts ?? []);

describe("decode fixtures", () => {
  test("text: deltas in order, finish from flush with the last frame's usage", async () => {
    const events = await decode(frames("text.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events[0]).toEqual({ type: "response-start", id: "puFJaf6FNKfA1e8Pq4ywiAk", model: "gemini-2.5-flash", usage: { inputTokens: 5, cachedTokens: 0 } });
    const text = events.filter((event) => event.type === "text-delta").map((event) => (event as { text: string }).text);
    expect(text.join("")).toBe("Hello! How can I help you today?");
    expect(events.filter((event) => event.type === "text-start")).toHaveLength(1);
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 5, outputTokens: 30, cachedTokens: 0, reasoningTokens: 21, totalTokens: 35 },
    });
  });

  test("tool calls: text block closed first, each call whole with its own index, finish tool-calls", async () => {
    const events = await decode(frames("tool-call.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "text-start",
      "text-delta",
      "text-end",
      "tool-input-start",
      "tool-input-delta",
      "tool-input-end",
      "tool-input-start",
      "tool-input-delta",
      "tool-input-end",
      "finish",
    ]);
    const starts = events.filter((event) => event.type === "tool-input-start") as Array<Extract<StreamEvent, { type: "tool-input-start" }>>;
    expect(starts.map((start) => start.index)).toEqual([1, 2]);
    expect(starts[0].signature).toStartWith("CsoCAdHtim9");
    expect(starts[1].signature).toBeUndefined();
    expect(starts[0].id).not.toBe(starts[1].id);
    const deltas = events.filter((event) => event.type === "tool-input-delta") as Array<{ delta: string }>;
    expect(deltas.map((delta) => JSON.parse(delta.delta))).toEqual([{ location: "Paris" }, { location: "London" }]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls", rawFinishReason: "STOP", usage: { outputTokens: 132, reasoningTokens: 92 } });
  });

  test("reasoning: thought deltas, then text closed by the trailing signature part", async () => {
    const events = await decode(frames("reasoning.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish",
    ]);
    const reasoning = events.filter((event) => event.type === "reasoning-delta").map((event) => (event as { text: string }).text);
    expect(reasoning.join("")).toBe("**Calculating the sum**\n\nThe user asks for 2+2. That is 4.\n");
    expect(events.find((event) => event.type === "reasoning-end")).toEqual({ type: "reasoning-end", index: 0, origin: "gemini" });
    expect(events.find((event) => event.type === "text-end")).toEqual({ type: "text-end", index: 1, signature: expect.stringMatching(/^CiQB0e2Kb7/) });
  });

  test("an error frame after output ends the stream with an error event and no finish", async () => {
    const events = await decode(frames("error.stream"));
    expect(streamProblems(events)).toEqual([]);
    const last = events.at(-1) as Extract<StreamEvent, { type: "error" }>;
    expect(last.type).toBe("error");
    expect(last.error).toBeInstanceOf(GatewayError);
    expect(last.error.kind).toBe("overloaded");
    expect(last.error.message).toBe("The model is overloaded. Please try again later.");
    expect(events.some((event) => event.type === "finish")).toBe(false);
    // The open text block was closed before the error.
    expect(events.at(-2)).toEqual({ type: "text-end", index: 0 });
  });
});

describe("decode edge cases", () => {
  test("a stream cut before any finishReason ends in an error, blocks closed", async () => {
    const events = await decode(frames("text.stream").slice(0, 2));
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-2)).toEqual({ type: "text-end", index: 0 });
    expect(events.at(-1)).toMatchObject({ type: "error", error: { kind: "upstream" } });
  });

  test("an empty stream still starts and then errors", async () => {
    const events = await decode([]);
    expect(events.map((event) => event.type)).toEqual(["response-start", "error"]);
  });

  test("a frame that is not JSON is an error; later frames are ignored", async () => {
    const events = await decode([{ data: "<html>oops" }, ...frames("text.stream")]);
    expect(events.map((event) => event.type)).toEqual(["error"]);
  });

  test("a blocked prompt finishes as content-filter", async () => {
    const events = await decode([chunk({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } })]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "content-filter", rawFinishReason: "SAFETY" });
  });

  test("a lone signature part becomes an empty signed thought; MAX_TOKENS is length", async () => {
    const events = await decode([
      chunk({ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: {} } }] }, index: 0 }] }),
      chunk({ candidates: [{ content: { parts: [{ text: "", thoughtSignature: "c2ln" }] }, finishReason: "MAX_TOKENS", index: 0 }] }),
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(events.slice(4, 6)).toEqual([
      { type: "reasoning-start", index: 1 },
      { type: "reasoning-end", index: 1, origin: "gemini", signature: "c2ln" },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "length" });
  });
});

describe("fast-path observation agrees with the decoder", () => {
  test("isStreamEnd only on the finishReason frame; usage from every frame; error frames", () => {
    const text = frames("text.stream");
    expect(text.map(isStreamEnd)).toEqual([false, false, true]);
    // Thinking is over before the first text frame, so its tokens are already reported there.
    expect(usageFromStreamEvent(text[0])).toEqual({ inputTokens: 5, outputTokens: 21, cachedTokens: 0, reasoningTokens: 21, totalTokens: 26 });
    expect(usageFromStreamEvent(frames("error.stream")[0])).toEqual({ inputTokens: 6, cachedTokens: 0 });
    expect(usageFromStreamEvent(text[2])).toEqual({ inputTokens: 5, outputTokens: 30, cachedTokens: 0, reasoningTokens: 21, totalTokens: 35 });
    const error = frames("error.stream");
    expect(error.map((event) => streamEventError(event)?.message)).toEqual([undefined, "The model is overloaded. Please try again later."]);
    expect(streamEventError(error[1])?.kind).toBe("overloaded");
    expect(error.map(isStreamEnd)).toEqual([false, false]);
    // Text that merely mentions the keys is not mistaken for them.
    const quoted = chunk({ candidates: [{ content: { parts: [{ text: 'say "finishReason" and "error"', functionCall: undefined }] }, index: 0 }] });
    expect(isStreamEnd(quoted)).toBe(false);
    expect(streamEventError(quoted)).toBeUndefined();
    const argsWithErrorKey = chunk({ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: { error: "x" } } }] }, index: 0 }] });
    expect(streamEventError(argsWithErrorKey)).toBeUndefined();
  });
});

describe("encode: SSE", () => {
  test("decoded fixtures re-encode to the same parts, finish reason and usage", async () => {
    for (const name of ["text.stream", "tool-call.stream", "reasoning.stream"]) {
      const original = frames(name).map((frame) => JSON.parse(frame.data) as GeminiResponse);
      const events = await decode(frames(name));
      const text = await encode(events, { stream: true, streamFormat: "sse" }, { reasoning: { enabled: true, includeThoughts: true } });
      const bodies = await sseBodies(text);
      const merge = (parts: ReturnType<typeof partsOf>) => {
        // Compare the concatenated text per kind and the calls, ignoring how text was chunked.
        const thought = parts.filter((part) => part.thought).map((part) => part.text).join("");
        const answer = parts.filter((part) => !part.thought && part.text !== undefined).map((part) => part.text).join("");
        const calls = parts.filter((part) => part.functionCall).map((part) => ({ name: part.functionCall!.name, args: part.functionCall!.args, signature: part.thoughtSignature }));
        const signatures = parts.filter((part) => !part.functionCall && part.thoughtSignature).map((part) => part.thoughtSignature);
        return { thought, answer, calls, signatures };
      };
      expect(merge(partsOf(bodies))).toEqual(merge(partsOf(original)));
      const last = bodies.at(-1)!;
      expect(last.candidates![0].finishReason).toBe("STOP");
      expect(last.usageMetadata!.totalTokenCount).toBe(original.at(-1)!.usageMetadata!.totalTokenCount!);
      expect(last.usageMetadata!.thoughtsTokenCount).toBe(original.at(-1)!.usageMetadata!.thoughtsTokenCount!);
      expect(last.responseId).toBe(original[0].responseId!);
      for (const body of bodies) {
        expect(body.candidates![0].index).toBe(0);
        expect(body.candidates![0].content!.role).toBe("model");
        expect(body.modelVersion).toBe(original[0].modelVersion!);
      }
      expect(bodies.slice(0, -1).every((body) => body.candidates![0].finishReason === undefined)).toBe(true);
    }
  });

  test("frames are `data: <json>\\r\\n\\r\\n` with no event names and no sentinel", async () => {
    const text = await encode([
      { type: "response-start", id: "r1", model: "claude" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hi" },
      { type: "text-end", index: 0 },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 3, outputTokens: 1, cachedTokens: 0, reasoningTokens: 0, totalTokens: 4 } },
    ]);
    const frames = text.split("\r\n\r\n");
    expect(frames.at(-1)).toBe("");
    expect(frames.slice(0, -1).every((frame) => frame.startsWith("data: {"))).toBe(true);
    expect(text).not.toContain("event:");
    expect(text).not.toContain("[DONE]");
    const bodies = await sseBodies(text);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({ candidates: [{ content: { parts: [{ text: "Hi" }], role: "model" }, index: 0 }], modelVersion: "claude", responseId: "r1" });
    expect(bodies[1].candidates![0]).toMatchObject({ finishReason: "STOP" });
    expect(bodies[1].usageMetadata).toEqual({ promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 });
  });

  test("tool arguments streamed in pieces go out as one whole functionCall with the upstream id", async () => {
    const bodies = await sseBodies(
      await encode([
        { type: "response-start", id: "r", model: "gpt" },
        { type: "tool-input-start", index: 0, id: "call_abc", name: "get_weather" },
        { type: "tool-input-delta", index: 0, delta: '{"loc' },
        { type: "tool-input-delta", index: 0, delta: 'ation":"Paris"}' },
        { type: "tool-input-end", index: 0 },
        { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" },
      ]),
    );
    expect(bodies).toHaveLength(2);
    expect(bodies[0].candidates![0].content!.parts).toEqual([{ functionCall: { id: "call_abc", name: "get_weather", args: { location: "Paris" } } }]);
    expect(bodies[1].candidates![0].finishReason).toBe("STOP");
  });

  test("foreign reasoning is carried in the signature of the next part; thoughts shown only when asked", async () => {
    const events: StreamEvent[] = [
      { type: "response-start", id: "msg", model: "claude" },
      { type: "reasoning-start", index: 0 },
      { type: "reasoning-delta", index: 0, text: "Think" },
      { type: "reasoning-delta", index: 0, text: "ing." },
      { type: "reasoning-end", index: 0, signature: "EqQB", origin: "anthropic" },
      { type: "tool-input-start", index: 1, id: "toolu_1", name: "Read" },
      { type: "tool-input-delta", index: 1, delta: "{}" },
      { type: "tool-input-end", index: 1 },
      { type: "finish", finishReason: "tool-calls" },
    ];
    const hidden = partsOf(await sseBodies(await encode(events)));
    expect(hidden.filter((part) => part.thought)).toEqual([]);
    const call = hidden.find((part) => part.functionCall)!;
    expect(openEnvelope(call.thoughtSignature!)).toEqual([{ type: "reasoning", text: "Thinking.", signature: "EqQB", origin: "anthropic" }]);
    const shown = partsOf(await sseBodies(await encode(events, undefined, { reasoning: { enabled: true, includeThoughts: true } })));
    expect(shown.filter((part) => part.thought).map((part) => part.text)).toEqual(["Think", "ing."]);
  });

  test("an error event becomes an error frame and nothing follows", async () => {
    const text = await encode([
      { type: "response-start", id: "r", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hel" },
      { type: "error", error: new GatewayError("rate_limit", "slow down", { retryAfterSeconds: 3 }) },
      { type: "text-delta", index: 0, text: "lo" },
    ]);
    const bodies = await sseBodies(text);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({
      error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" }] },
    } as GeminiResponse);
  });

  test("a canonical stream that ends without finish gets an error frame, not a clean end", async () => {
    const bodies = await sseBodies(await encode([{ type: "response-start", id: "r", model: "m" }, { type: "text-start", index: 0 }, { type: "text-delta", index: 0, text: "x" }]));
    expect(bodies.at(-1)!.error).toMatchObject({ code: 502, status: "UNAVAILABLE" });
    expect(bodies.some((body) => body.candidates?.[0]?.finishReason)).toBe(false);
  });
});

describe("encode: JSON array (no alt=sse)", () => {
  const context: RequestContext = { stream: true, streamFormat: "json-array" };

  test("one valid JSON array, emitted incrementally, closed in flush", async () => {
    const stream = encodeStream(request(), context);
    const pieces = await pipe(stream, [
      { type: "response-start", id: "r", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "a" },
      { type: "text-delta", index: 0, text: "b" },
      { type: "text-end", index: 0 },
      { type: "finish", finishReason: "length" },
    ] as StreamEvent[]);
    expect(pieces[0]).toStartWith("[{");
    expect(pieces.at(-1)).toBe("]");
    expect(pieces).toHaveLength(4);
    const array = JSON.parse(pieces.join("")) as GeminiResponse[];
    expect(array.map((body) => body.candidates![0].content!.parts![0].text)).toEqual(["a", "b", ""]);
    expect(array[2].candidates![0].finishReason).toBe("MAX_TOKENS");
    // The keep-alive (a bare line break) is valid between elements.
    expect(JSON.parse(pieces.join("\n"))).toEqual(array);
  });

  test("an error is the last element and the array is still closed", async () => {
    const text = await encode([{ type: "response-start", id: "r", model: "m" }, { type: "error", error: new GatewayError("overloaded", "busy") }], context);
    expect(JSON.parse(text)).toEqual([{ error: { code: 503, message: "busy", status: "UNAVAILABLE" } }]);
    const cut = await encode([{ type: "response-start", id: "r", model: "m" }, { type: "text-start", index: 0 }, { type: "text-delta", index: 0, text: "x" }], context);
    const array = JSON.parse(cut) as GeminiResponse[];
    expect(array).toHaveLength(2);
    expect(array[1].error?.status).toBe("UNAVAILABLE");
  });
});

describe("the official @google/genai SDK reads the encoded stream", () => {
  /** Serves the encoded frames of `events`, with the keep-alive frame between every two frames. */
  async function viaSdk(events: StreamEvent[]) {
    const frames = await pipe(encodeStream(request(), { stream: true, streamFormat: "sse" }), events);
    const body = frames.join(gemini.keepAliveFrame);
    const server = Bun.serve({ port: 0, fetch: () => new Response(body, { headers: { "content-type": "text/event-stream" } }) });
    const ai = new GoogleGenAI({ apiKey: "k", apiVersion: "v1beta", httpOptions: { baseUrl: `http://127.0.0.1:${server.port}` } });
    const chunks: GenerateContentResponse[] = [];
    try {
      for await (const chunk of await ai.models.generateContentStream({ model: "m", contents: "hi" })) chunks.push(chunk);
      return { chunks };
    } catch (error) {
      return { chunks, error: error as Error };
    } finally {
      server.stop(true);
    }
  }

  test("text, a whole function call, finish reason and usage, with keep-alives in between", async () => {
    const { chunks, error } = await viaSdk([
      { type: "response-start", id: "r1", model: "claude" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Let me " },
      { type: "text-delta", index: 0, text: "check." },
      { type: "text-end", index: 0 },
      { type: "tool-input-start", index: 1, id: "toolu_1", name: "get_weather" },
      { type: "tool-input-delta", index: 1, delta: '{"city":' },
      { type: "tool-input-delta", index: 1, delta: '"Paris"}' },
      { type: "tool-input-end", index: 1 },
      { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 0, reasoningTokens: 0, totalTokens: 15 } },
    ]);
    expect(error).toBeUndefined();
    const text = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? "");
    expect(text.join("")).toBe("Let me check.");
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? []) as unknown[]).toEqual([{ id: "toolu_1", name: "get_weather", args: { city: "Paris" } }]);
    expect(chunks.at(-1)!.candidates![0].finishReason as string).toBe("STOP");
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 });
  });

  test("an error frame after output surfaces as an error in the client", async () => {
    const { chunks, error } = await viaSdk([
      { type: "response-start", id: "r1", model: "claude" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hel" },
      { type: "error", error: new GatewayError("overloaded", "busy") },
    ]);
    expect(chunks.map((chunk) => chunk.text)).toEqual(["Hel"]);
    expect(error?.message).toContain("UNAVAILABLE");
  });
});
