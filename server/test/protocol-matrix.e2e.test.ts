import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { anthropicClient } from "./clients/anthropic-client.ts";
import { geminiClient } from "./clients/gemini-client.ts";
import type { ClientAdapter, Scenario } from "./clients/normalized.ts";
import { openaiChatClient } from "./clients/openai-chat-client.ts";
import { openaiResponsesClient } from "./clients/openai-responses-client.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/**
 * Every client protocol (through its official SDK) × every provider protocol × stream and
 * non-stream × text, tool call and image input, through a real gateway and the fake upstream.
 */
const CLIENTS: Record<string, ClientAdapter> = {
  "openai-chat": openaiChatClient,
  "openai-responses": openaiResponsesClient,
  anthropic: anthropicClient,
  gemini: geminiClient,
};
const PROVIDERS = ["openai", "openai-responses", "anthropic", "gemini"] as const;
const SCENARIOS: Scenario[] = ["text", "tool", "image"];

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  for (const type of PROVIDERS) {
    const baseUrl = type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`;
    await configureModel(gateway, `via-${type}`, [{ name: `fake-${type}`, type, baseUrl, providerModel: "fake-model" }]);
  }
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

for (const [clientName, client] of Object.entries(CLIENTS)) {
  describe(`${clientName} client`, () => {
    for (const provider of PROVIDERS) {
      for (const stream of [false, true]) {
        for (const scenario of SCENARIOS) {
          test(`→ ${provider} provider, ${stream ? "stream" : "non-stream"}, ${scenario}`, async () => {
            const answer = await client({ baseUrl: gateway.url, apiKey: TEST_TOKEN, model: `via-${provider}`, scenario, stream });
            if (scenario === "tool") {
              expect(answer.toolCalls).toHaveLength(1);
              expect(answer.toolCalls[0].name).toBe("get_weather");
              expect(answer.toolCalls[0].arguments).toEqual({ location: "Paris" });
              expect(answer.finishReason).toBe("tool-calls");
            } else {
              expect(answer.text).toBe(scenario === "image" ? "Echo: describe this picture" : "Echo: hello matrix");
              expect(answer.finishReason).toBe("stop");
            }
            expect(answer.inputTokens).toBeGreaterThan(0);
            expect(answer.outputTokens).toBeGreaterThan(0);
            if (scenario === "image") expect(JSON.stringify(upstream.lastRequest?.body)).toContain("iVBORw0KGgo");

            if (answer.traceId) {
              const rows = await logsOf(gateway, answer.traceId);
              expect(rows).toHaveLength(1);
              expect(rows[0]).toMatchObject({ status: "success", clientProtocol: clientName, stream });
              expect(rows[0].promptTokens).toBeGreaterThan(0);
              expect(rows[0].completionTokens).toBeGreaterThan(0);
            }
          });
        }
      }
    }
  });
}
