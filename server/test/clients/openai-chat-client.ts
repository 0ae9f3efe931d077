import OpenAI from "openai";
import type { ClientAdapter } from "./normalized.ts";
import { PIXEL_PNG_BASE64, promptOf, WEATHER_TOOL } from "./normalized.ts";

const FINISH: Record<string, string> = { stop: "stop", length: "length", tool_calls: "tool-calls" };

/** The official `openai` SDK, Chat Completions. */
export const openaiChatClient: ClientAdapter = async ({ baseUrl, apiKey, model, scenario, stream }) => {
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const prompt = promptOf(scenario);
  const content: OpenAI.Chat.ChatCompletionContentPart[] | string =
    scenario === "image"
      ? [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL_PNG_BASE64}` } }]
      : prompt;
  const params = {
    model,
    messages: [{ role: "user" as const, content }],
    tools: scenario === "tool" ? [{ type: "function" as const, function: WEATHER_TOOL }] : undefined,
  };
  if (!stream) {
    const { data, response } = await client.chat.completions.create(params).withResponse();
    const choice = data.choices[0];
    return {
      text: choice.message.content ?? "",
      toolCalls: (choice.message.tool_calls ?? []).map((call) => {
        const fn = (call as { function: { name: string; arguments: string } }).function;
        return { id: call.id, name: fn.name, arguments: JSON.parse(fn.arguments) };
      }),
      finishReason: FINISH[choice.finish_reason] ?? choice.finish_reason,
      inputTokens: data.usage?.prompt_tokens ?? 0,
      outputTokens: data.usage?.completion_tokens ?? 0,
      traceId: response.headers.get("x-llmio-trace-id"),
    };
  }
  const { data: events, response } = await client.chat.completions
    .create({ ...params, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let text = "";
  let finishReason = "";
  let inputTokens = 0;
  let outputTokens = 0;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const chunk of events) {
    const choice = chunk.choices[0];
    if (chunk.usage) {
      inputTokens = chunk.usage.prompt_tokens;
      outputTokens = chunk.usage.completion_tokens;
    }
    if (!choice) continue;
    text += choice.delta.content ?? "";
    for (const delta of choice.delta.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: "", name: "", arguments: "" };
      call.id ||= delta.id ?? "";
      call.name ||= delta.function?.name ?? "";
      call.arguments += delta.function?.arguments ?? "";
      calls.set(delta.index, call);
    }
    if (choice.finish_reason) finishReason = FINISH[choice.finish_reason] ?? choice.finish_reason;
  }
  return {
    text,
    toolCalls: [...calls.values()].map((call) => ({ ...call, arguments: JSON.parse(call.arguments) })),
    finishReason,
    inputTokens,
    outputTokens,
    traceId: response.headers.get("x-llmio-trace-id"),
  };
};
