/**
 * Records the UI exchange-renderer fixtures (ui/src/lib/__fixtures__/exchange/): real requests and
 * streamed answers through a gateway with body capture on, the fake upstream answering with
 * reasoning and a tool call, every client protocol × every upstream protocol.
 * Run: `bun server/scripts/capture-exchange-fixtures.ts`.
 */
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { startFakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN } from "../test/harness.ts";

const out = join(import.meta.dir, "../../ui/src/lib/__fixtures__/exchange");
mkdirSync(out, { recursive: true });
const upstream = startFakeUpstream({ port: 0 });
const gateway = startTestGateway();
await gateway.admin("PUT", "/api/settings", { bodyCapture: true });
const bases: Record<string, { type: "openai" | "openai-responses" | "anthropic" | "gemini"; baseUrl: string }> = {
  "openai-chat": { type: "openai", baseUrl: `${upstream.url}/v1` },
  "openai-responses": { type: "openai-responses", baseUrl: `${upstream.url}/v1` },
  anthropic: { type: "anthropic", baseUrl: `${upstream.url}/v1` },
  gemini: { type: "gemini", baseUrl: `${upstream.url}/v1beta` },
};
for (const [wire, base] of Object.entries(bases)) {
  await configureModel(gateway, `m-${wire}`, [{ name: `p-${wire}`, type: base.type, baseUrl: base.baseUrl, providerModel: "fake-model+tool+reasoning" }]);
}
const tool = { name: "get_weather", description: "Weather of a city", schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
const prompt = "What is the weather in Paris?";
const requests: Record<string, (model: string) => { path: string; body: unknown; headers?: Record<string, string> }> = {
  "openai-chat": (model) => ({
    path: "/v1/chat/completions",
    body: { model, stream: true, stream_options: { include_usage: true }, temperature: 0.2, messages: [{ role: "system", content: "You are terse." }, { role: "user", content: prompt }], tools: [{ type: "function", function: { name: tool.name, description: tool.description, parameters: tool.schema } }] },
  }),
  "openai-responses": (model) => ({
    path: "/v1/responses",
    body: { model, stream: true, instructions: "You are terse.", input: [{ role: "user", content: [{ type: "input_text", text: prompt }] }], tools: [{ type: "function", name: tool.name, description: tool.description, parameters: tool.schema }], reasoning: { effort: "low" } },
  }),
  anthropic: (model) => ({
    path: "/v1/messages",
    body: { model, stream: true, max_tokens: 512, system: "You are terse.", messages: [{ role: "user", content: prompt }], tools: [{ name: tool.name, description: tool.description, input_schema: tool.schema }] },
  }),
  gemini: (model) => ({
    path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
    body: { systemInstruction: { parts: [{ text: "You are terse." }] }, contents: [{ role: "user", parts: [{ text: prompt }] }], tools: [{ functionDeclarations: [{ name: tool.name, description: tool.description, parameters: tool.schema }] }], generationConfig: { temperature: 0.2 } },
  }),
  "gemini-array": (model) => ({
    path: `/v1beta/models/${model}:streamGenerateContent`,
    body: { contents: [{ role: "user", parts: [{ text: prompt }] }], tools: [{ functionDeclarations: [{ name: tool.name, description: tool.description, parameters: tool.schema }] }] },
  }),
};
for (const [client, build] of Object.entries(requests)) {
  for (const wire of Object.keys(bases)) {
    const { path, body } = build(`m-${wire}`);
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    await response.text();
    const traceId = response.headers.get("x-llmio-trace-id")!;
    await Bun.sleep(100);
    await gateway.logWriter.flush();
    const detail = await gateway.admin("GET", `/api/logs/trace/${traceId}`);
    if (!detail.bodies) throw new Error(`no capture for ${client} → ${wire}: ${response.status}`);
    writeFileSync(`${out}/${client}--${wire}.json`, JSON.stringify({ client, upstream: wire, status: response.status, protocol: detail.attempts[0].clientProtocol, ...detail.bodies }, null, 2) + "\n");
    console.log(client, "→", wire, response.status, detail.bodies.responseBody.length);
  }
}
await gateway.stop();
await upstream.stop();
