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
import type { JsonObject, RequestContext, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { errorDetailOf } from "./errors.ts";
import { bareModel, methodEndpoint } from "./model-path.ts";
import { isEnvelope, SKIP_SIGNATURE } from "./signatures.ts";
import { decodeUsage } from "./usage.ts";
import { isObject, objectsOf, parseJson, stringOf } from "./values.ts";
import type { GeminiCandidate, GeminiContent, GeminiPart, GeminiResponse } from "./wire-types.ts";

/** Model and stream mode come from the URL; the body only has to hold a `contents` array. */
export function peek(body: JsonObject, context: RequestContext): RequestPeek {
  const model = context.model === undefined ? "" : bareModel(context.model);
  if (model === "") {
    throw new GatewayError("bad_request", "The model is missing from the request path (/v1beta/models/{model}:method)", {
      param: "model",
    });
  }
  if (!Array.isArray(body.contents)) {
    throw new GatewayError("bad_request", "* GenerateContentRequest.contents: contents is not specified", { param: "contents" });
  }
  const stream = context.stream === true;
  return stream ? { model, stream, streamFormat: context.streamFormat ?? "sse" } : { model, stream };
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
export function streamEventError(event: SseEvent): string | undefined {
  const { data } = event;
  if (!data.includes('"error"')) return undefined;
  const detail = errorDetailOf(parseJson(data));
  if (!detail) return undefined;
  return stringOf(detail.message) || data;
}
