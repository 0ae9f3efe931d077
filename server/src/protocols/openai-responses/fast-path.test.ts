import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, SseEvent } from "../../core/wire-protocol.ts";
import { decodeError, encodeError, encodeResponseError, errorHeaders } from "./errors.ts";
import { openaiResponses } from "./index.ts";
import { wrapForeignReasoning } from "./reasoning-envelope.ts";
import { readCapture } from "../test-kit/index.ts";
import { canonicalRequest, fixture, sseFixture } from "./test-support.ts";

const NONE = { toolCall: false, structuredOutput: false, vision: false };
const needs = (body: JsonObject) => openaiResponses.peek({ model: "m", ...body }, {}).needs;
/** The leading run of preamble events: what the relay keeps buffering. */
const preambleRun = (events: SseEvent[]) => {
  const first = events.findIndex((event) => !openaiResponses.isPreambleEvent(event));
  return events.slice(0, first < 0 ? events.length : first).map((event) => event.event ?? JSON.parse(event.data).type);
};

const TARGET = { baseUrl: "https://api.openai.com/v1/", apiKey: "sk-1", model: "gpt-5.5", stream: true };

describe("fast path", () => {
  test("peek reads model and stream, and refuses only unusable bodies", async () => {
    expect(openaiResponses.peek(readCapture("codex-responses"), {})).toEqual({
      model: "gpt-5.5",
      stream: true,
      needs: { ...NONE, toolCall: true },
      sessionId: "<uuid>",
    });
    expect(openaiResponses.peek({ model: "m", input: "x" }, {})).toEqual({ model: "m", stream: false, needs: NONE });
    expect(openaiResponses.peek({ model: "m", input: "x" }, {})).not.toHaveProperty("sessionId");
    expect(openaiResponses.peek({ model: "m", prompt_cache_key: "" }, {}).sessionId).toBeUndefined();
    expect(() => openaiResponses.peek({ input: "x" }, {})).toThrow(GatewayError);
    expect(() => openaiResponses.peek({ model: "m", input: 5 }, {})).toThrow("input");
  });

  test("peek: needs and session of every Codex capture", async () => {
    for (const name of ["codex-responses", "codex-responses-toolresult", "codex-gpt6.1sol-responses", "codex-gpt6.1sol-responses-toolresult"]) {
      const body = readCapture(name);
      const peeked = openaiResponses.peek(body, {});
      expect({ name, needs: peeked.needs, sessionId: peeked.sessionId }).toEqual({ name, needs: { ...NONE, toolCall: true }, sessionId: body.prompt_cache_key as string });
    }
    // gpt-6.1-sol sends no top-level tools: they are all in the `additional_tools` input item.
    const sol = readCapture("codex-gpt6.1sol-responses");
    expect(sol.tools).toBeUndefined();
    expect(needs({ input: (sol.input as JsonObject[]).filter((item) => item.type !== "additional_tools") }).toolCall).toBe(false);
    expect(needs({ ...sol, tool_choice: "none" }).toolCall).toBe(false);
  });

  test("peek: toolCall needs declared tools that tool_choice does not switch off", () => {
    const tool = { type: "function", name: "f", parameters: { type: "object" } };
    expect(needs({ tools: [tool] }).toolCall).toBe(true);
    expect(needs({ tools: [{ type: "web_search" }] }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: "none" }).toolCall).toBe(false);
    expect(needs({ tools: [] }).toolCall).toBe(false);
    expect(needs({ input: [{ type: "additional_tools", tools: [{ type: "namespace", name: "n", tools: [tool] }] }] }).toolCall).toBe(true);
    expect(needs({ input: [{ type: "additional_tools", tools: [] }] }).toolCall).toBe(false);
    // Calls in the history alone do not need tool support.
    expect(needs({ input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }] }).toolCall).toBe(false);
  });

  test("peek: structuredOutput is text.format json_schema or json_object", () => {
    expect(needs({ text: { format: { type: "json_schema", name: "x", schema: {} } } }).structuredOutput).toBe(true);
    expect(needs({ text: { format: { type: "json_object" } } }).structuredOutput).toBe(true);
    expect(needs({ text: { format: { type: "text" }, verbosity: "low" } }).structuredOutput).toBe(false);
    expect(needs({ text: { verbosity: "low" } }).structuredOutput).toBe(false);
    // Chat Completions' field means nothing here.
    expect(needs({ response_format: { type: "json_object" } }).structuredOutput).toBe(false);
  });

  test("peek: vision is an input_image in a message or a tool output", () => {
    const image = { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" };
    const text = { type: "input_text", text: "what is this?" };
    expect(needs({ input: [{ role: "user", content: [text, image] }] }).vision).toBe(true);
    expect(needs({ input: [{ type: "message", role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] }).vision).toBe(true);
    expect(needs({ input: [{ type: "function_call_output", call_id: "c", output: [text, image] }] }).vision).toBe(true);
    expect(needs({ input: [{ type: "custom_tool_call_output", call_id: "c", output: [image] }] }).vision).toBe(true);
    expect(needs({ input: [{ type: "computer_call_output", call_id: "c", output: { type: "computer_screenshot", image_url: "data:image/png;base64,AAAA" } }] }).vision).toBe(true);
    expect(needs({ input: [{ role: "user", content: [text] }, { type: "function_call_output", call_id: "c", output: "input_image" }] }).vision).toBe(false);
    expect(needs({ input: "input_image" }).vision).toBe(false);
    expect(needs({}).vision).toBe(false);
  });

  test("prepareUpstreamBody rewrites the model only, dropping reasoning this gateway relayed", async () => {
    const body = readCapture("codex-responses-toolresult");
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
    expect(openaiResponses.usageFromResponse(fixture("text.response")[0])).toMatchObject({ inputTokens: 37, outputTokens: 11, totalTokens: 48 });
    const stream = sseFixture("custom-tool.stream");
    const usages = stream.map((event) => openaiResponses.usageFromStreamEvent(event)).filter(Boolean);
    expect(usages).toEqual([{ inputTokens: 5213, outputTokens: 412, cachedTokens: 4864, reasoningTokens: 320, totalTokens: 5625 }]);
    expect(stream.map((event) => openaiResponses.isStreamEnd(event))).toEqual(stream.map((_, position) => position === stream.length - 1));
    expect(stream.every((event) => openaiResponses.streamEventError(event) === undefined)).toBe(true);

    const incomplete = sseFixture("incomplete.stream").at(-1)!;
    expect(openaiResponses.isStreamEnd(incomplete)).toBe(true);
    expect(openaiResponses.usageFromStreamEvent(incomplete)?.outputTokens).toBe(16);

    const failed = sseFixture("error.stream").at(-1)!;
    expect(openaiResponses.isStreamEnd(failed)).toBe(true);
    expect(openaiResponses.streamEventError(failed)?.message).toStartWith("The model produced invalid content");
    const error = sseFixture("error-event.stream").at(-1)!;
    expect(openaiResponses.streamEventError(error)).toMatchObject({ kind: "rate_limit", message: expect.stringContaining("Rate limit reached") });
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

describe("isPreambleEvent", () => {
  test("lifecycle events and announcements of empty items and parts, until the first output", () => {
    expect(preambleRun(sseFixture("text.stream"))).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(preambleRun(sseFixture("reasoning.stream"))).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
    ]);
    // An encrypted-only reasoning item: its announcement is empty, its `done` carries the encrypted content.
    expect(preambleRun(sseFixture("custom-tool.stream"))).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    // A function call announces its name: that is output.
    expect(preambleRun(sseFixture("tool-call.stream"))).toEqual(["response.created", "response.in_progress"]);
    // An error right after the preamble: the relay can still fail over.
    expect(preambleRun(sseFixture("error-event.stream"))).toEqual(["response.created"]);
    expect(preambleRun(sseFixture("error.stream"))).toEqual(["response.created", "response.in_progress"]);
  });

  test("without event: lines the type is read from the data", () => {
    for (const name of ["text.stream", "reasoning.stream", "tool-call.stream", "custom-tool.stream"]) {
      const events = sseFixture(name);
      expect(events.map((event) => openaiResponses.isPreambleEvent({ data: event.data }))).toEqual(events.map((event) => openaiResponses.isPreambleEvent(event)));
    }
    expect(openaiResponses.isPreambleEvent({ data: '{ "type": "response.created", "response": {} }' })).toBe(true);
    expect(openaiResponses.isPreambleEvent({ data: '{"sequence_number":0,"type":"response.in_progress","response":{}}' })).toBe(true);
    expect(openaiResponses.isPreambleEvent({ data: "not json" })).toBe(false);
  });

  test("announcements that already carry output are not preamble", () => {
    const added = (item: JsonObject): SseEvent => ({ event: "response.output_item.added", data: JSON.stringify({ type: "response.output_item.added", output_index: 0, item }) });
    expect(openaiResponses.isPreambleEvent(added({ type: "message", role: "assistant", content: [] }))).toBe(true);
    expect(openaiResponses.isPreambleEvent(added({ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hi" }] }))).toBe(false);
    expect(openaiResponses.isPreambleEvent(added({ type: "reasoning", summary: [], encrypted_content: "gAAAA" }))).toBe(false);
    expect(openaiResponses.isPreambleEvent(added({ type: "custom_tool_call", call_id: "c", name: "apply_patch", input: "" }))).toBe(false);
    expect(openaiResponses.isPreambleEvent(added({ type: "web_search_call", status: "in_progress" }))).toBe(false);
    const part = (text: string): SseEvent => ({ event: "response.content_part.added", data: JSON.stringify({ type: "response.content_part.added", part: { type: "output_text", text } }) });
    expect(openaiResponses.isPreambleEvent(part(""))).toBe(true);
    expect(openaiResponses.isPreambleEvent(part("x"))).toBe(false);
    expect(openaiResponses.isPreambleEvent({ event: "response.output_text.delta", data: '{"type":"response.output_text.delta","delta":""}' })).toBe(false);
    expect(openaiResponses.isPreambleEvent({ event: "response.queued", data: '{"type":"response.queued","response":{}}' })).toBe(true);
  });
});

describe("errors", () => {
  test("upstream error bodies → gateway errors", () => {
    const decoded = fixture<{ status: number; body: JsonObject }>("error.response").map(({ status, body }) => decodeError(status, JSON.stringify(body)));
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
