import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readSseData } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, startFakeUpstream } from "./index.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, any>;
const HEADERS = { authorization: "Bearer test-key", "content-type": "application/json" };
const WEATHER_TOOLS = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];

function chat(body: Json, fault?: string) {
  const headers: Record<string, string> = { ...HEADERS };
  if (fault) headers["x-fake-fault"] = fault;
  return fetch(`${upstream.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "Is 9.11 bigger than 9.8?" }], ...body }),
  });
}

const parsed = (data: string[]) => data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Json);

describe("reasoning fault (DeepSeek-style reasoning_content)", () => {
  test("non-stream: message.reasoning_content before the answer; reasoning tokens counted", async () => {
    const plain = await (await chat({})).json();
    const body = await (await chat({}, "reasoning")).json();
    const message = body.choices[0].message;
    expect(message.reasoning_content).toBe("Thinking about: Is 9.11 bigger than 9.8?");
    expect(message.content).toBe("Echo: Is 9.11 bigger than 9.8?");
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(7);
    expect(body.usage.completion_tokens).toBe(plain.usage.completion_tokens + 7);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(plain.choices[0].message.reasoning_content).toBeUndefined();
  });

  test("stream: role chunk, reasoning_content deltas, then content; usage matches non-stream", async () => {
    const nonStream = await (await chat({}, "reasoning")).json();
    const { data, error } = await readSseData(await chat({ stream: true, stream_options: { include_usage: true } }, "reasoning"));
    expect(error).toBeUndefined();
    expect(data.at(-1)).toBe("[DONE]");
    const all = parsed(data);
    expect(all[0].choices[0].delta).toEqual({ role: "assistant", content: null, reasoning_content: "" });
    const deltas = all.slice(1, -2).map((c) => c.choices[0].delta);
    const reasoning = deltas.filter((d) => typeof d.reasoning_content === "string").map((d) => d.reasoning_content);
    const content = deltas.filter((d) => typeof d.content === "string").map((d) => d.content);
    expect(reasoning).toEqual(["Thinking ", "about: ", "Is ", "9.11 ", "bigger ", "than ", "9.8?"]);
    expect(reasoning.join("")).toBe(nonStream.choices[0].message.reasoning_content);
    expect(content.join("")).toBe(nonStream.choices[0].message.content);
    // All reasoning precedes the answer.
    const lastReasoning = deltas.findLastIndex((d) => typeof d.reasoning_content === "string");
    const firstContent = deltas.findIndex((d) => typeof d.content === "string");
    expect(lastReasoning).toBeLessThan(firstContent);
    expect(all.at(-2)!.choices[0].finish_reason).toBe("stop");
    expect(all.at(-1)!.usage).toEqual(nonStream.usage);
  });

  test("reasoning then a tool call (reasoning; tool): one role chunk, call opened after the reasoning", async () => {
    const { data } = await readSseData(await chat({ stream: true, tools: WEATHER_TOOLS }, "reasoning; tool"));
    const all = parsed(data);
    expect(all.filter((c) => c.choices[0]?.delta.role === "assistant")).toHaveLength(1);
    const opening = all.find((c) => c.choices[0]?.delta.tool_calls?.[0]?.id);
    expect(opening!.choices[0].delta).toEqual({
      tool_calls: [{ index: 0, id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_weather", arguments: "" } }],
    });
    const args = all.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((call: Json) => call.function.arguments).join("");
    expect(args).toBe('{"location":"Paris"}');
    expect(all.at(-1)!.choices[0].finish_reason).toBe("tool_calls");
    const body = await (await chat({ tools: WEATHER_TOOLS }, "reasoning; tool")).json();
    expect(body.choices[0].message.reasoning_content).toStartWith("Thinking about:");
    expect(body.choices[0].message.tool_calls).toHaveLength(1);
    expect(body.usage.completion_tokens).toBe(7 + 3);
  });

  test("cut-after counts reasoning chunks as content", async () => {
    const { data, error } = await readSseData(await chat({ stream: true }, "reasoning, cut-after=3"));
    expect(error).toBeDefined();
    expect(data).not.toContain("[DONE]");
    const all = parsed(data);
    expect(all).toHaveLength(1 + 3);
    expect(all.slice(1).every((c) => typeof c.choices[0].delta.reasoning_content === "string")).toBe(true);
  });

  test("images and files in the request are accepted", async () => {
    const response = await chat({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "describe" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe("Echo: describe");
  });
});
