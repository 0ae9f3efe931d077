/**
 * Gemini `GenerateContentResponse` (non-stream) → canonical response. Only the first
 * candidate is read (the gateway never asks for more).
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 */
import type { CanonicalResponse, ReasoningPart, TextPart, ToolCallPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { decodeBlockReason, decodeFinishReason } from "./finish-reason.ts";
import { GEMINI_ORIGIN } from "./signatures.ts";
import { callIdPrefix, responseCallId } from "./tool-ids.ts";
import { decodeUsage } from "./usage.ts";
import { isObject, objectsOf, stringOf } from "../../core/json-values.ts";
import type { GeminiCandidate, GeminiPart, GeminiResponse } from "./wire-types.ts";

type OutputPart = TextPart | ToolCallPart | ReasoningPart;

/** A complete GenerateContentResponse → canonical (synthesized call ids, STOP with calls → tool-calls). */
export function decodeResponse(body: JsonObject): CanonicalResponse {
  const response = body as GeminiResponse;
  const candidate = objectsOf<GeminiCandidate>(response.candidates)[0];
  const responseId = stringOf(response.responseId);
  const content = decodeParts(objectsOf<GeminiPart>(candidate?.content?.parts), callIdPrefix(responseId));
  const sawToolCall = content.some((part) => part.type === "tool-call");
  const blockReason = stringOf(response.promptFeedback?.blockReason);
  const rawFinishReason = stringOf(candidate?.finishReason) ?? blockReason;
  const decoded: CanonicalResponse = {
    id: responseId ?? `gemini-${crypto.randomUUID()}`,
    model: stringOf(response.modelVersion) ?? "",
    content,
    finishReason: candidate === undefined && blockReason !== undefined ? decodeBlockReason() : decodeFinishReason(rawFinishReason, sawToolCall),
  };
  if (rawFinishReason !== undefined) decoded.rawFinishReason = rawFinishReason;
  const usage = decodeUsage(response.usageMetadata);
  if (usage) decoded.usage = usage;
  return decoded;
}

/**
 * Response parts → canonical output. A signature on an empty part belongs to the part
 * before it; code execution parts have no canonical form and are skipped.
 */
function decodeParts(parts: GeminiPart[], idPrefix: string): OutputPart[] {
  const output: OutputPart[] = [];
  let calls = 0;
  for (const part of parts) {
    const signature = stringOf(part.thoughtSignature);
    if (isObject(part.functionCall)) {
      const args = isObject(part.functionCall.args) ? part.functionCall.args : {};
      const call: ToolCallPart = {
        type: "tool-call",
        id: stringOf(part.functionCall.id) || responseCallId(idPrefix, calls),
        name: stringOf(part.functionCall.name) ?? "",
        arguments: JSON.stringify(args),
      };
      if (signature) call.signature = signature;
      calls++;
      output.push(call);
    } else if (part.thought === true) {
      const previous = output.at(-1);
      // Consecutive thought parts are one reasoning block, closed by the part carrying the signature.
      if (previous?.type === "reasoning" && previous.signature === undefined) previous.text += part.text ?? "";
      else output.push({ type: "reasoning", text: part.text ?? "", origin: GEMINI_ORIGIN });
      if (signature) (output.at(-1) as ReasoningPart).signature = signature;
    } else if (typeof part.text === "string" && part.text !== "") {
      const previous = output.at(-1);
      if (previous?.type === "text" && previous.signature === undefined) previous.text += part.text;
      else output.push({ type: "text", text: part.text });
      if (signature) (output.at(-1) as TextPart).signature = signature;
    } else if (signature) {
      const previous = output.at(-1);
      if (previous?.type === "text" && previous.signature === undefined) previous.signature = signature;
      else output.push({ type: "reasoning", text: "", signature, origin: GEMINI_ORIGIN });
    }
  }
  return output;
}
