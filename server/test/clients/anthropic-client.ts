import Anthropic from "@anthropic-ai/sdk";
import type { ClientAdapter } from "./normalized.ts";
import { PIXEL_PNG_BASE64, promptOf, WEATHER_TOOL } from "./normalized.ts";

const FINISH: Record<string, string> = { end_turn: "stop", max_tokens: "length", tool_use: "tool-calls", stop_sequence: "stop" };

/** The official `@anthropic-ai/sdk`, Messages API (what Claude Code speaks). */
export const anthropicClient: ClientAdapter = async ({ baseUrl, apiKey, model, scenario, stream }) => {
  const client = new Anthropic({ apiKey, baseURL: baseUrl, maxRetries: 0 });
  const prompt = promptOf(scenario);
  const content: Anthropic.ContentBlockParam[] =
    scenario === "image"
      ? [{ type: "text", text: prompt }, { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL_PNG_BASE64 } }]
      : [{ type: "text", text: prompt }];
  const params = {
    model,
    max_tokens: 1024,
    messages: [{ role: "user" as const, content }],
    tools: scenario === "tool" ? [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters as Anthropic.Tool.InputSchema }] : undefined,
  };
  let message: Anthropic.Message;
  let traceId: string | null;
  if (!stream) {
    const { data, response } = await client.messages.create(params).withResponse();
    message = data;
    traceId = response.headers.get("x-llmio-trace-id");
  } else {
    const events = client.messages.stream(params);
    const { response } = await events.withResponse();
    traceId = response.headers.get("x-llmio-trace-id");
    message = await events.finalMessage();
  }
  return {
    text: message.content.map((block) => (block.type === "text" ? block.text : "")).join(""),
    toolCalls: message.content.flatMap((block) => (block.type === "tool_use" ? [{ id: block.id, name: block.name, arguments: block.input }] : [])),
    finishReason: FINISH[message.stop_reason ?? ""] ?? String(message.stop_reason),
    inputTokens: message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0),
    outputTokens: message.usage.output_tokens,
    traceId,
  };
};
