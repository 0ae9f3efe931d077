import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readSseJson, responsesStreamProblems } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, startFakeUpstream } from "./index.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, any>;

const AUTH = { authorization: "Bearer test-key", "content-type": "application/json" };
const INSTRUCTIONS = "You are terse."; // 14 chars
const INPUT = [{ role: "user", content: [{ type: "input_text", text: "Hello   there,\n world" }] }]; // 21 chars
const PROMPT_TOKENS = Math.ceil((14 + 21) / 4);
const WEATHER_TOOLS = [{ type: "function", name: "get_weather", parameters: { type: "object" }, strict: false }];

function responses(body: Json, options: { fault?: string; headers?: Record<string, string>; path?: string } = {}) {
  const headers: Record<string, string> = { ...AUTH, ...options.headers };
  if (options.fault) headers["x-fake-fault"] = options.fault;
  return fetch(`${upstream.url}${options.path ?? "/v1/responses"}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "fake-model", instructions: INSTRUCTIONS, input: INPUT, ...body }),
  });
}

const types = (events: Array<{ data: Json }>) => events.map((event) => event.data.type);

describe("POST /v1/responses", () => {
  test("non-stream: echo answer with deterministic usage", async () => {
    const response = await responses({});
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body).toMatchObject({ object: "response", status: "completed", model: "fake-model", instructions: INSTRUCTIONS, error: null });
    expect(body.id).toStartWith("resp_");
    expect(body.output).toHaveLength(1);
    expect(body.output[0]).toMatchObject({
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "Echo: Hello there, world", annotations: [] }],
    });
    expect(body.usage).toEqual({
      input_tokens: PROMPT_TOKENS,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: PROMPT_TOKENS + 4,
    });
  });

  test("a string input works too", async () => {
    const response = await responses({ input: "hi", instructions: undefined });
    const body = await response.json();
    expect(body.output[0].content[0].text).toBe("Echo: hi");
    expect(body.usage.input_tokens).toBe(1);
    expect(upstream.lastRequest?.path).toBe("/v1/responses");
  });

  test("stream: the full grammar, one delta per word, usage in response.completed", async () => {
    const nonStream = await (await responses({})).json();
    const response = await responses({ stream: true });
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const { frames: events, error } = await readSseJson(response);
    expect(error).toBeUndefined();
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.slice(4, 8).map((event) => event.data.delta)).toEqual(["Echo: ", "Hello ", "there, ", "world"]);
    const done = events[10].data.item;
    expect(done).toEqual({ ...nonStream.output[0], id: done.id });
    const completed = events[11].data.response;
    expect(completed.usage).toEqual(nonStream.usage);
    expect(completed.output).toEqual([done]);
    expect(events[0].data.response.usage).toBeNull();
  });

  test("tool call with arguments in several deltas; no second call after the tool output", async () => {
    const input = [{ role: "user", content: "What's the Weather in Paris?" }];
    const nonStream = await (await responses({ tools: WEATHER_TOOLS, input })).json();
    expect(nonStream.output[0]).toMatchObject({ type: "function_call", status: "completed", name: "get_weather", arguments: '{"location":"Paris"}' });
    expect(nonStream.output[0].call_id).toStartWith("call_");

    const { frames: events } = await readSseJson(await responses({ tools: WEATHER_TOOLS, input, stream: true }));
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(types(events).slice(2)).toEqual([
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[2].data.item).toMatchObject({ type: "function_call", status: "in_progress", arguments: "", name: "get_weather" });
    expect(events.slice(3, 6).map((event) => event.data.delta).join("")).toBe('{"location":"Paris"}');
    expect(events[7].data.item.arguments).toBe('{"location":"Paris"}');

    const call = nonStream.output[0];
    const after = await (
      await responses({ tools: WEATHER_TOOLS, input: [...input, call, { type: "function_call_output", call_id: call.call_id, output: "sunny" }] })
    ).json();
    expect(after.output[0].type).toBe("message");
  });

  test("Codex additional_tools: a custom tool call in its namespace, input streamed", async () => {
    const input = [
      { type: "additional_tools", role: "developer", tools: [{ type: "namespace", name: "functions", tools: [{ type: "custom", name: "exec" }] }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "run it" }] },
    ];
    const { frames: events } = await readSseJson(await responses({ input, stream: true }, { fault: "tool" }));
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(types(events)).toContain("response.custom_tool_call_input.delta");
    expect(types(events)).toContain("response.custom_tool_call_input.done");
    const item = events.find((event) => event.data.type === "response.output_item.done")!.data.item;
    expect(item).toMatchObject({ type: "custom_tool_call", name: "exec", namespace: "functions", input: '{"location":"Paris"}' });
    expect(item.call_id).toStartWith("call_");
  });

  test("reasoning fault: a reasoning item with summary and encrypted content comes first", async () => {
    const { frames: events } = await readSseJson(await responses({ stream: true }, { fault: "reasoning" }));
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(types(events).slice(2, 11)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      ...Array(5).fill("response.reasoning_summary_text.delta"),
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
    ]);
    expect(events.slice(4, 9).map((event) => event.data.delta).join("")).toBe("Thinking about: Hello there, world");
    const reasoning = events[11].data.item;
    expect(reasoning).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "Thinking about: Hello there, world" }] });
    expect(reasoning.encrypted_content).toStartWith("gAAAAAB");
    const completed = events.at(-1)!.data.response;
    expect(completed.output.map((item: Json) => item.type)).toEqual(["reasoning", "message"]);
    expect(completed.usage.output_tokens_details.reasoning_tokens).toBe(5);
    expect(completed.usage.output_tokens).toBe(5 + 4);
  });

  test("reasoning requested the way Codex does: encrypted content only, no summary", async () => {
    const body = await (await responses({ reasoning: { effort: "medium" }, include: ["reasoning.encrypted_content"] })).json();
    expect(body.output[0].type).toBe("reasoning");
    expect(body.output[0].summary).toEqual([]);
    expect(body.output[0].encrypted_content).toStartWith("gAAAAAB");
    const none = await (await responses({ reasoning: { effort: "none" } })).json();
    expect(none.output.map((item: Json) => item.type)).toEqual(["message"]);
  });

  test("max_output_tokens truncates into response.incomplete", async () => {
    const { frames: events } = await readSseJson(await responses({ model: "fake-model+words=30", max_output_tokens: 16, stream: true }));
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(events.filter((event) => event.data.type === "response.output_text.delta")).toHaveLength(16);
    const last = events.at(-1)!.data;
    expect(last.type).toBe("response.incomplete");
    expect(last.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    expect(last.response.usage.output_tokens).toBe(16);
  });

  test("faults: status, error frame, cut-after", async () => {
    const limited = await responses({}, { fault: "status=429; retry-after=3" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await limited.json()).error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });

    const { frames: events } = await readSseJson(await responses({ stream: true }, { fault: "error-frame" }));
    expect(responsesStreamProblems(events)).toEqual([]);
    expect(types(events)).toEqual(["response.created", "response.in_progress", "response.failed"]);
    expect(events[2].data.response).toMatchObject({ status: "failed", error: { code: "server_error" } });

    const cut = await readSseJson(await responses({ stream: true }, { fault: "cut-after=2" }));
    expect(cut.error).toBeDefined();
    expect(cut.frames.filter((event) => event.data.type === "response.output_text.delta")).toHaveLength(2);
    expect(types(cut.frames)).not.toContain("response.completed");

    const all = await readSseJson(await responses({ stream: true }, { fault: "cut-after=99" }));
    expect(all.error).toBeDefined();
    expect(types(all.frames).at(-1)).toBe("response.output_item.done");
  });

  test("auth and bad requests use the OpenAI envelope", async () => {
    const unauthorized = await responses({}, { headers: { authorization: "Bearer bad-key" } });
    expect(unauthorized.status).toBe(401);
    expect((await unauthorized.json()).error.code).toBe("invalid_api_key");
    const noModel = await responses({ model: "" });
    expect(noModel.status).toBe(400);
    expect((await noModel.json()).error.param).toBe("model");
  });
});

describe("POST /v1/responses/input_tokens", () => {
  test("counts the prompt like the create call", async () => {
    const response = await responses({}, { path: "/v1/responses/input_tokens" });
    expect(await response.json()).toEqual({ object: "response.input_tokens", input_tokens: PROMPT_TOKENS });
  });
});
