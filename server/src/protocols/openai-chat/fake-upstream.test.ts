import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import type { UpstreamTarget } from "../../core/wire-protocol.ts";
import { type FakeUpstream, startFakeUpstream } from "../../fake-upstream/index.ts";
import { decodeSse } from "../test-kit/index.ts";
import { openaiChat } from "./index.ts";

/** The codec against the fake upstream over real HTTP: encodeRequest → fetch → decodeResponse / decodeStream. */

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

const target = (model: string, stream: boolean): UpstreamTarget => ({ baseUrl: `${upstream.url}/v1`, apiKey: "test-key", model, stream });

const REQUEST: CanonicalRequest = {
  model: "client-model",
  system: [{ type: "text", text: "Be brief." }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "What's the weather in Paris?" },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
      ],
    },
  ],
  tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } }],
  stream: true,
  extras: {},
};

async function call(request: CanonicalRequest, upstreamTarget: UpstreamTarget): Promise<Response> {
  const endpoint = openaiChat.upstreamEndpoint(upstreamTarget);
  const { body } = openaiChat.encodeRequest(request, upstreamTarget);
  return fetch(endpoint.url, { method: "POST", headers: { ...endpoint.headers, "content-type": "application/json" }, body: JSON.stringify(body) });
}

const decodeEvents = (response: Response): Promise<StreamEvent[]> => decodeSse(response, openaiChat.decodeStream());

describe("openai-chat codec ↔ fake upstream", () => {
  test("stream: reasoning, then the weather tool call; usage in finish", async () => {
    const events = await decodeEvents(await call(REQUEST, target("fake-model+reasoning", true)));
    expect(events.map((e) => e.type)).toEqual([
      "response-start",
      "reasoning-start",
      ...Array(7).fill("reasoning-delta"),
      "reasoning-end",
      "tool-input-start",
      "tool-input-delta",
      "tool-input-delta",
      "tool-input-delta",
      "tool-input-end",
      "usage",
      "finish",
    ]);
    const start = events.find((e) => e.type === "tool-input-start") as Extract<StreamEvent, { type: "tool-input-start" }>;
    expect(start.name).toBe("get_weather");
    expect(start.id).toStartWith("call_fake");
    const finish = events.at(-1) as Extract<StreamEvent, { type: "finish" }>;
    expect(finish.finishReason).toBe("tool-calls");
    expect(finish.usage).toMatchObject({ reasoningTokens: 7, outputTokens: 10 });
  });

  test("non-stream text answer with the echo", async () => {
    const request: CanonicalRequest = { ...REQUEST, tools: [], stream: false, messages: [{ role: "user", content: [{ type: "text", text: "hello there" }] }] };
    const response = await call(request, target("fake-model", false));
    const decoded = openaiChat.decodeResponse((await response.json()) as Record<string, unknown>);
    expect(decoded.content).toEqual([{ type: "text", text: "Echo: hello there" }]);
    expect(decoded.finishReason).toBe("stop");
    expect(decoded.usage?.outputTokens).toBe(3);
  });

  test("error-frame fault → error event; HTTP fault → decodeError", async () => {
    const events = await decodeEvents(await call(REQUEST, target("fake-model+error-frame", true)));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe("error");
    const failed = await call(REQUEST, target("fake-model+status=429", true));
    const error = openaiChat.decodeError(failed.status, await failed.text());
    expect(error.kind).toBe("rate_limit");
    expect(error.message).toBe("Fake upstream fault: status 429");
  });

  test("embeddings through the codec", async () => {
    const codec = openaiChat.embeddings!;
    const request = codec.decodeRequest({ model: "client-embed", input: ["a", "b"], encoding_format: "base64" }, {});
    const upstreamTarget = target("fake-embed", false);
    const endpoint = codec.endpoint(upstreamTarget);
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: { ...endpoint.headers, "content-type": "application/json" },
      body: JSON.stringify(codec.encodeRequest(request, upstreamTarget)),
    });
    const decoded = codec.decodeResponse((await response.json()) as Record<string, unknown>);
    expect(decoded.embeddings).toHaveLength(2);
    expect(decoded.embeddings[0]).toHaveLength(8);
    expect(decoded.usage?.inputTokens).toBe(2);
  });
});
