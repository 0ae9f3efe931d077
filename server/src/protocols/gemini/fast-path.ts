/**
 * Same-protocol fast path for Gemini: the body is forwarded unchanged (the model lives in
 * the URL) and the stream is only observed.
 *
 * Cut detection: Gemini streams have no terminal sentinel. The frame whose candidate carries
 * a `finishReason` (or whose `promptFeedback` carries a `blockReason`) is the last one, so a
 * stream that ends before such a frame was cut.
 */
import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestNeeds, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { errorDetailOf, gatewayErrorOf } from "./errors.ts";
import { bareModel, methodEndpoint } from "./model-path.ts";
import { isEnvelope, SKIP_SIGNATURE } from "./signatures.ts";
import { decodeUsage } from "./usage.ts";
import { isObject, objectsOf, parseJson, stringOf } from "../../core/json-values.ts";
import type { GeminiCandidate, GeminiContent, GeminiPart, GeminiResponse } from "./wire-types.ts";

/**
 * Model and stream mode come from the URL; the body only has to hold a `contents` array, which
 * (with `tools` and `generationConfig`) tells the capabilities needed. Gemini has no session id.
 * The REST API also accepts snake_case field names, so both spellings are read.
 */
export function peek(body: JsonObject, context: RequestContext): RequestPeek {
  const model = context.model === undefined ? "" : bareModel(context.model);
  if (model === "") {
    throw new GatewayError("bad_request", "The model is missing from the request path (/v1beta/models/{model}:method)", {
      param: "model",
    });
  }
  const contents = body.contents;
  if (!Array.isArray(contents)) {
    throw new GatewayError("bad_request", "* GenerateContentRequest.contents: contents is not specified", { param: "contents" });
  }
  const needs: RequestNeeds = {
    toolCall: declaresFunctions(body),
    structuredOutput: asksForJson(body.generationConfig ?? body.generation_config),
    vision: hasImage(contents),
  };
  const stream = context.stream === true;
  return stream ? { model, stream, streamFormat: context.streamFormat ?? "sse", needs } : { model, stream, needs };
}

/** Some tool with non-empty `functionDeclarations`, unless function calling mode is NONE. */
function declaresFunctions(body: JsonObject): boolean {
  const tools = body.tools;
  if (!Array.isArray(tools)) return false;
  let declared = false;
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    if (Array.isArray(declarations) && declarations.length > 0) {
      declared = true;
      break;
    }
  }
  if (!declared) return false;
  const toolConfig = body.toolConfig ?? body.tool_config;
  if (!isObject(toolConfig)) return true;
  const calling = toolConfig.functionCallingConfig ?? toolConfig.function_calling_config;
  const mode = isObject(calling) ? stringOf(calling.mode) : undefined;
  return mode === undefined || mode.toUpperCase() !== "NONE";
}

/** JSON mode (`responseMimeType: application/json`) or a response schema. */
function asksForJson(config: unknown): boolean {
  if (!isObject(config)) return false;
  if ((config.responseMimeType ?? config.response_mime_type) === "application/json") return true;
  return (config.responseSchema ?? config.response_schema ?? config.responseJsonSchema ?? config.response_json_schema) !== undefined;
}

/** An image in `inlineData` / `fileData` of any part, or in a function response's parts. */
function hasImage(contents: unknown[]): boolean {
  for (const content of contents) {
    if (!isObject(content) || !Array.isArray(content.parts)) continue;
    for (const part of content.parts) {
      if (!isObject(part)) continue;
      if (isImagePart(part)) return true;
      const response = part.functionResponse ?? part.function_response;
      if (isObject(response) && Array.isArray(response.parts)) {
        for (const inner of response.parts) if (isObject(inner) && isImagePart(inner)) return true;
      }
    }
  }
  return false;
}

function isImagePart(part: Record<string, unknown>): boolean {
  const media = part.inlineData ?? part.inline_data ?? part.fileData ?? part.file_data;
  if (!isObject(media)) return false;
  const mimeType = media.mimeType ?? media.mime_type;
  return typeof mimeType === "string" && mimeType.startsWith("image/");
}

/**
 * The client's body as is, except for reasoning envelopes (signatures.ts) left in the
 * history by an earlier turn served by another vendor: real Gemini would reject them, so
 * they become the documented skip placeholder on function calls and vanish elsewhere.
 */
export function prepareUpstreamBody(body: JsonObject, _target: UpstreamTarget): JsonObject {
  const contents = objectsOf<GeminiContent>(body.contents);
  const hasEnvelope = contents.some((content) =>
    objectsOf<GeminiPart>(content.parts).some((part) => isEnvelope(stringOf(part.thoughtSignature))),
  );
  if (!hasEnvelope) return body;
  const cleaned = contents.map((content) => {
    if (!Array.isArray(content.parts)) return content;
    const parts = content.parts.map((part: GeminiPart) => {
      if (!isObject(part) || !isEnvelope(stringOf(part.thoughtSignature))) return part;
      const { thoughtSignature: _envelope, ...rest } = part;
      return isObject(part.functionCall) ? { ...rest, thoughtSignature: SKIP_SIGNATURE } : rest;
    });
    return { ...content, parts };
  });
  return { ...body, contents: cleaned };
}

/** Streams always ask for SSE (`alt=sse`): the observer and decoder parse SSE frames. */
export function upstreamEndpoint(target: UpstreamTarget): UpstreamEndpoint {
  return target.stream
    ? methodEndpoint(target, "streamGenerateContent", "?alt=sse")
    : methodEndpoint(target, "generateContent");
}

/** Usage of a complete generateContent response. */
export function usageFromResponse(body: JsonObject): Usage | undefined {
  return decodeUsage((body as GeminiResponse).usageMetadata);
}

/** Gemini repeats (cumulative) usage on every frame; frames without it are not parsed. */
export function usageFromStreamEvent(event: SseEvent): Partial<Usage> | undefined {
  if (!event.data.includes('"usageMetadata"')) return undefined;
  const chunk = parseJson(event.data);
  if (!isObject(chunk)) return undefined;
  const usage = decodeUsage((chunk as GeminiResponse).usageMetadata);
  if (!usage) return undefined;
  // Early frames report only the prompt; leave output to the frame that reports it.
  const metadata = (chunk as GeminiResponse).usageMetadata!;
  if (metadata.candidatesTokenCount === undefined && metadata.thoughtsTokenCount === undefined) {
    return { inputTokens: usage.inputTokens, cachedTokens: usage.cachedTokens };
  }
  return usage;
}

/** The frame with a finishReason (or a prompt blockReason) ends a complete stream. */
export function isStreamEnd(event: SseEvent): boolean {
  const { data } = event;
  if (!data.includes('"finishReason"') && !data.includes('"blockReason"')) return false;
  const chunk = parseJson(data);
  if (!isObject(chunk)) return false;
  const response = chunk as GeminiResponse;
  const candidate = objectsOf<GeminiCandidate>(response.candidates)[0];
  return Boolean(stringOf(candidate?.finishReason)) || Boolean(stringOf(response.promptFeedback?.blockReason));
}

/** `data: {"error":{…}}` frames (text inside parts is escaped, so the raw key only appears at the top). */
export function streamEventError(event: SseEvent): GatewayError | undefined {
  const { data } = event;
  if (!data.includes('"error"')) return undefined;
  const detail = errorDetailOf(parseJson(data));
  if (!detail) return undefined;
  const decoded = gatewayErrorOf(detail, 200);
  return stringOf(detail.message) ? decoded : new GatewayError(decoded.kind, data);
}

/**
 * A frame with no parts, no finishReason, no blockReason and no error — usually one carrying only
 * `usageMetadata` or an empty candidate. Gemini streams normally start with output, so this is
 * rarely true. String checks only: those keys are never escaped inside text.
 */
export function isPreambleEvent(event: SseEvent): boolean {
  const { data } = event;
  if (data.charCodeAt(0) !== 123 /* { */) return false;
  return !data.includes('"parts"') && !data.includes('"finishReason"') && !data.includes('"blockReason"') && !data.includes('"error"');
}
