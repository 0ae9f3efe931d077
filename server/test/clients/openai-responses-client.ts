import OpenAI from "openai";
import type { ClientAdapter, NormalizedAnswer } from "./normalized.ts";
import { PIXEL_PNG_BASE64, promptOf, WEATHER_TOOL } from "./normalized.ts";

/** The official `openai` SDK, Responses API (what Codex speaks). */
export const openaiResponsesClient: ClientAdapter = async ({ baseUrl, apiKey, model, scenario, stream }) => {
  const client = new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const prompt = promptOf(scenario);
  const content: OpenAI.Responses.ResponseInputContent[] =
    scenario === "image"
      ? [{ type: "input_text", text: prompt }, { type: "input_image", image_url: `data:image/png;base64,${PIXEL_PNG_BASE64}`, detail: "auto" }]
      : [{ type: "input_text", text: prompt }];
  const params = {
    model,
    input: [{ type: "message" as const, role: "user" as const, content }],
    tools: scenario === "tool" ? [{ type: "function" as const, strict: false, ...WEATHER_TOOL }] : undefined,
  };
  let final: OpenAI.Responses.Response;
  let traceId: string | null;
  let streamedText = "";
  if (!stream) {
    const { data, response } = await client.responses.create(params).withResponse();
    final = data;
    traceId = response.headers.get("x-llmio-trace-id");
  } else {
    const { data: events, response } = await client.responses.create({ ...params, stream: true }).withResponse();
    traceId = response.headers.get("x-llmio-trace-id");
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of events) {
      if (event.type === "response.output_text.delta") streamedText += event.delta;
      if (event.type === "response.completed" || event.type === "response.incomplete") completed = event.response;
      if (event.type === "response.failed") throw new Error(`response.failed: ${JSON.stringify(event.response.error)}`);
    }
    if (!completed) throw new Error("stream ended without response.completed");
    final = completed;
  }
  const answer: NormalizedAnswer = {
    text: "",
    toolCalls: [],
    finishReason: final.status === "incomplete" ? "length" : "stop",
    inputTokens: final.usage?.input_tokens ?? 0,
    outputTokens: final.usage?.output_tokens ?? 0,
    traceId,
  };
  for (const item of final.output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") answer.text += part.text;
    } else if (item.type === "function_call") {
      answer.toolCalls.push({ id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) });
      answer.finishReason = "tool-calls";
    }
  }
  if (stream && streamedText !== answer.text) throw new Error(`streamed text "${streamedText}" differs from the completed response "${answer.text}"`);
  return answer;
};
