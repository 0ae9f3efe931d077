import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, SseEvent } from "../../core/wire-protocol.ts";
import { decodeError, encodeError, encodeResponseError, errorHeaders } from "./errors.ts";
import { openaiResponses } from "./index.ts";
import { wrapForeignReasoning } from "./reasoning-envelope.ts";
import { canonicalRequest, capture, fixture, sseFixture } from "./test-support.ts";

const TARGET = { baseUrl: "https://api.openai.com/v1/", apiKey: "sk-1", model: "gpt-5.5", stream: true };

describe("fast path", () => {
  test("peek reads model and stream, and refuses only unusable bodies", async () => {
    expect(openaiResponses.peek(await capture("codex-responses"), {})).toEqual({ model: "gpt-5.5", stream: true });
    expect(openaiResponses.peek({ model: "m", input: "x" }, {})).toEqual({ model: "m", stream: false });
    expect(() => openaiResponses.peek({ input: "x" }, {})).toThrow(GatewayError);
    expect(() => openaiResponses.peek({ model: "m", input: 5 }, {})).toThrow("input");
  });

  test("prepareUpstreamBody rewrites the model only, dropping reasoning this gateway relayed", async () => {
    const body = await capture("codex-responses-toolresult");
    const prepared = openaiResponses.prepareUpstreamBody(body, TARGET);
    expect(prepared).toEqual({ ...body, model: "gpt-5.5" });
    expect(prepared.input).toBe(body.input); // untouched, not copied

    const relayed = { type: "reasoning", id: "rs_x", summary: [], encrypted_content: wrapForeignReasoning({ origin: "anthropic", signature: "s" }) };
    const own = { type: "reasoning", id: "rs_y", summary: [], encrypted_content: "gAAAAB" };
    const mixed = { model: "x", input: [{ role: "user", content: "hi" }, relayed, own] } as JsonObject;
    expect(openaiResponses.prepareUpstreamBody(mixed, TARGET).input).toEqual([{ role: "user", content: "hi" }, own]);
  });

  test("endpoint and bearer auth", () => {
    expect(openaiResponses.upstreamEndpoint(TARGET)).toEqual({
      url: "https://api.openai.com/v1/responses",
      headers: { authorization: "Bearer sk-1" },
    });
    expect(openaiResponses.countTokens!.endpoint(TARGET).url).toBe("https://api.openai.com/v1/responses/input_tokens");
  });

  test("usage, stream end and stream errors from raw events", () => {
    expect(openaiResponses.usageFromResponse(fixture("text-response")[0])).toMatchObject({ inputTokens: 37, outputTokens: 11, totalTokens: 48 });
    const stream = sseFixture("custom-tool-stream");
    const usages = stream.map((event) => openaiResponses.usageFromStreamEvent(event)).filter(Boolean);
    expect(usages).toEqual([{ inputTokens: 5213, outputTokens: 412, cachedTokens: 4864, reasoningTokens: 320, totalTokens: 5625 }]);
    expect(stream.map((event) => openaiResponses.isStreamEnd(event))).toEqual(stream.map((_, position) => position === stream.length - 1));
    expect(stream.every((event) => openaiResponses.streamEventError(event) === undefined)).toBe(true);

    const incomplete = sseFixture("incomplete-stream").at(-1)!;
    expect(openaiResponses.isStreamEnd(incomplete)).toBe(true);
    expect(openaiResponses.usageFromStreamEvent(incomplete)?.outputTokens).toBe(16);

    const failed = sseFixture("error-stream").at(-1)!;
    expect(openaiResponses.isStreamEnd(failed)).toBe(true);
    expect(openaiResponses.streamEventError(failed)).toStartWith("The model produced invalid content");
    const error = sseFixture("error-event-stream").at(-1)!;
    expect(openaiResponses.streamEventError(error)).toContain("Rate limit reached");
    expect(openaiResponses.isStreamEnd(error)).toBe(false);

    // Without `event:` lines the type is read from the data.
    const bare = (event: SseEvent): SseEvent => ({ data: event.data });
    expect(openaiResponses.isStreamEnd(bare(stream.at(-1)!))).toBe(true);
    expect(openaiResponses.isStreamEnd(bare(stream[2]))).toBe(false);
    expect(openaiResponses.usageFromStreamEvent(bare(stream.at(-1)!))?.inputTokens).toBe(5213);
    expect(openaiResponses.streamEventError(bare(failed))).toBeDefined();
    expect(openaiResponses.streamEventError({ data: "not json" })).toBeUndefined();
  });
});

describe("errors", () => {
  test("upstream error bodies → gateway errors", () => {
    const decoded = fixture<{ status: number; body: JsonObject }>("error-bodies").map(({ status, body }) => decodeError(status, JSON.stringify(body)));
    expect(decoded.map((error) => [error.kind, error.status])).toEqual([
      ["authentication", 401],
      ["rate_limit", 429],
      ["rate_limit", 429],
      ["bad_request", 400],
      ["not_found", 404],
      ["upstream", 502],
      ["overloaded", 503],
    ]);
    expect(decoded[0].message).toStartWith("Incorrect API key provided");
    expect(decoded[3].param).toBe("input");
    // Codex's context-window handling keys on the code; the message keeps it recognisable.
    expect(encodeResponseError(decoded[3]).code).toBe("context_length_exceeded");
    const html = decodeError(502, "<html>Bad gateway</html>");
    expect(html).toMatchObject({ kind: "upstream", message: "<html>Bad gateway</html>" });
    expect(decodeError(422, '{"error":"unprocessable"}')).toMatchObject({ kind: "bad_request", status: 422, message: "unprocessable" });
    expect(decodeError(500, "").message).toBe("upstream returned HTTP 500");
  });

  test("client error envelope, status and retry headers", () => {
    const error = new GatewayError("rate_limit", "Too many requests", { traceId: "t-1", retryAfterSeconds: 2 });
    expect(error.status).toBe(429);
    expect(encodeError(error)).toEqual({
      error: { message: "Too many requests (trace id: t-1)", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
    });
    expect(encodeError(new GatewayError("bad_request", "bad", { param: "input" }))).toEqual({
      error: { message: "bad", type: "invalid_request_error", param: "input", code: null },
    });
    expect(errorHeaders(error)).toEqual({ "x-should-retry": "true" });
    expect(errorHeaders(new GatewayError("authentication", "no"))).toEqual({ "x-should-retry": "false" });
  });
});

describe("count tokens", () => {
  test("input_tokens request and response", async () => {
    const codec = openaiResponses.countTokens!;
    const request = codec.decodeRequest({ input: "hello", instructions: "sys", tools: [{ type: "function", name: "f" }] }, { model: "gpt-5" });
    expect(request.model).toBe("gpt-5");
    expect(codec.decodeRequest({ input: "x" }, {}).model).toBe("");
    const body = codec.encodeRequest(
      canonicalRequest({ ...request, reasoning: { enabled: true, effort: "low" }, maxOutputTokens: 100, temperature: 1 }),
      TARGET,
    );
    expect(Object.keys(body).sort()).toEqual(["input", "instructions", "model", "reasoning", "tools"]);
    expect(codec.encodeResponse(42)).toEqual({ object: "response.input_tokens", input_tokens: 42 });
    expect(codec.decodeResponse({ object: "response.input_tokens", input_tokens: 7 })).toBe(7);
  });
});
