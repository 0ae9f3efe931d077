import { GoogleGenAI, type GenerateContentResponse, type Part } from "@google/genai";
import type { ClientAdapter } from "./normalized.ts";
import { PIXEL_PNG_BASE64, promptOf, WEATHER_TOOL } from "./normalized.ts";

const FINISH: Record<string, string> = { STOP: "stop", MAX_TOKENS: "length" };

/** The official `@google/genai` SDK (what Gemini CLI uses). */
export const geminiClient: ClientAdapter = async ({ baseUrl, apiKey, model, scenario, stream }) => {
  const client = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
  const prompt = promptOf(scenario);
  const parts: Part[] = [{ text: prompt }];
  if (scenario === "image") parts.push({ inlineData: { mimeType: "image/png", data: PIXEL_PNG_BASE64 } });
  const request = {
    model,
    contents: [{ role: "user", parts }],
    config: scenario === "tool" ? { tools: [{ functionDeclarations: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parametersJsonSchema: WEATHER_TOOL.parameters }] }] } : undefined,
  };
  const chunks: GenerateContentResponse[] = [];
  if (!stream) chunks.push(await client.models.generateContent(request));
  else for await (const chunk of await client.models.generateContentStream(request)) chunks.push(chunk);
  let text = "";
  let finishReason = "";
  const toolCalls: Array<{ id: string; name: string; arguments: unknown }> = [];
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.text && !part.thought) text += part.text;
      if (part.functionCall) toolCalls.push({ id: part.functionCall.id ?? "", name: part.functionCall.name ?? "", arguments: part.functionCall.args });
    }
    if (candidate?.finishReason) finishReason = FINISH[candidate.finishReason] ?? candidate.finishReason;
  }
  const usage = chunks.at(-1)?.usageMetadata;
  return {
    text,
    toolCalls,
    // Gemini says STOP for function calls too.
    finishReason: toolCalls.length > 0 && finishReason === "stop" ? "tool-calls" : finishReason,
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
    traceId: chunks.at(-1)?.sdkHttpResponse?.headers?.["x-llmio-trace-id"] ?? null,
  };
};
