/** The upstream side against the fake Anthropic server: encodeRequest → HTTP → decodeStream / decodeResponse / decodeError. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { type FakeUpstream, startFakeUpstream } from "../../fake-upstream/index.ts";
import { decodeSse, readCapture, streamProblems } from "../test-kit/index.ts";
import { anthropic } from "./index.ts";
import { canonicalRequest } from "./test-support.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

const target = (stream: boolean, model = "claude-fake"): UpstreamTarget => ({ baseUrl: `${upstream.url}/v1`, apiKey: "k", model, stream });

async function call(body: JsonObject, stream: boolean, model?: string) {
  const endpoint = anthropic.upstreamEndpoint(target(stream, model));
  return fetch(endpoint.url, {
    method: "POST",
    headers: { ...endpoint.defaultHeaders, ...endpoint.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

test("a Claude Code tool-result turn, re-encoded, streams back a well-formed answer", async () => {
  const body = readCapture("claude-sonnet45-messages-toolresult");
  const request = anthropic.decodeRequest(body, {});
  const { body: encoded, warnings } = anthropic.encodeRequest(request, target(true));
  // The capture's tool-use turn came from a server that did not think: Anthropic would reject thinking here.
  expect(encoded.thinking).toBeUndefined();
  expect(warnings).toEqual(["thinking was disabled: the ongoing tool-use turn has no Anthropic thinking block to replay"]);
  const response = await call(encoded, true);
  expect(response.status).toBe(200);
  const events = await decodeSse(response, anthropic.decodeStream());
  expect(streamProblems(events)).toEqual([]);
  const text = events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");
  expect(text).toStartWith("Echo: ");
  expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
  expect(upstream.lastRequest?.headers["anthropic-version"]).toBe("2023-06-01");
  expect(upstream.lastRequest?.headers["x-api-key"]).toBe("k");
});

test("thinking replay: a signed answer goes back upstream on the next turn", async () => {
  const tools = [{ type: "function" as const, name: "get_weather", parameters: { type: "object" } }];
  const first = canonicalRequest({ tools, reasoning: { enabled: true, effort: "low" }, messages: [{ role: "user", content: [{ type: "text", text: "weather?" }] }] });
  const response = anthropic.decodeResponse(await (await call(anthropic.encodeRequest(first, target(false)).body, false)).json());
  expect(response.content.map((part) => part.type)).toEqual(["reasoning", "tool-call"]);
  expect(response.content[0]).toMatchObject({ origin: "anthropic", text: "Thinking about: weather?" });
  const second = canonicalRequest({
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: response.content },
      { role: "tool", content: [{ type: "tool-result", callId: (response.content[1] as { id: string }).id, content: [{ type: "text", text: "sunny" }] }] },
    ],
  });
  const encoded = anthropic.encodeRequest(second, target(false));
  expect(encoded.warnings).toEqual([]);
  expect(encoded.body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  const replayed = (encoded.body.messages as Array<{ content: Array<{ type: string }> }>)[1].content.map((block) => block.type);
  expect(replayed).toEqual(["thinking", "tool_use"]);
  const answer = anthropic.decodeResponse(await (await call(encoded.body, false)).json());
  expect(answer.finishReason).toBe("stop");
});

test("upstream errors decode to gateway errors, in a body and as a stream frame", async () => {
  const request = canonicalRequest({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
  const failed = await call(anthropic.encodeRequest(request, target(false, "claude-fake+status=529")).body, false);
  const error = anthropic.decodeError(failed.status, await failed.text());
  expect(error).toMatchObject({ kind: "overloaded", status: 529, message: "Fake upstream fault: status 529" });

  const framed = await fetch(anthropic.upstreamEndpoint(target(true)).url, {
    method: "POST",
    headers: { "x-api-key": "k", "x-fake-fault": "error-frame" },
    body: JSON.stringify(anthropic.encodeRequest(request, target(true)).body),
  });
  const events = await decodeSse(framed, anthropic.decodeStream());
  expect(events.map((event) => event.type)).toEqual(["error"]);

  const cut = await fetch(anthropic.upstreamEndpoint(target(true)).url, {
    method: "POST",
    headers: { "x-api-key": "k", "x-fake-fault": "cut-after=1" },
    body: JSON.stringify(anthropic.encodeRequest(request, target(true)).body),
  });
  const cutEvents = await decodeSse(cut, anthropic.decodeStream()).catch(() => "broken connection" as const);
  // Either the transport error surfaces, or the decoder ends the stream with an error event.
  if (cutEvents !== "broken connection") expect(cutEvents.at(-1)!.type).toBe("error");
});

test("count_tokens through the codec", async () => {
  const codec = anthropic.countTokens!;
  const request = codec.decodeRequest({ model: "x", system: "You are terse.", messages: [{ role: "user", content: "Hello   there,\n world" }] }, {});
  const endpoint = codec.endpoint(target(false));
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: { ...endpoint.defaultHeaders, ...endpoint.headers },
    body: JSON.stringify(codec.encodeRequest(request, target(false))),
  });
  expect(response.status).toBe(200);
  expect(codec.decodeResponse(await response.json())).toBe(Math.ceil(35 / 4));
});
