/**
 * Canonical response → Gemini `GenerateContentResponse` for Gemini clients.
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 */
import type { CanonicalRequest, CanonicalResponse, ReasoningPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { GEMINI_ORIGIN, isForeignReasoning, sealEnvelope } from "./signatures.ts";
import { encodeUsage } from "./usage.ts";
import { isObject, parseJson } from "../../core/json-values.ts";
import type { GeminiPart, GeminiResponse } from "./wire-types.ts";

/** Tool arguments as the object Gemini's `args` needs (`{}` when they are not a JSON object). */
export function argumentsObject(text: string): Record<string, unknown> {
  const parsed = text.trim() === "" ? {} : parseJson(text);
  return isObject(parsed) ? parsed : {};
}

/**
 * Thought parts are shown only when the client asked for them (`includeThoughts`), as
 * Gemini does. Another vendor's reasoning rides in the signature of the next part (see
 * signatures.ts) so the client replays it.
 */
export function encodeResponse(response: CanonicalResponse, request: CanonicalRequest): JsonObject {
  const includeThoughts = request.reasoning?.includeThoughts === true;
  const parts: GeminiPart[] = [];
  let foreign: ReasoningPart[] = [];
  const carry = (part: GeminiPart, own: string | undefined) => {
    if (own) part.thoughtSignature = own;
    else if (foreign.length > 0) part.thoughtSignature = sealEnvelope(foreign);
    foreign = [];
    parts.push(part);
  };
  for (const part of response.content) {
    if (part.type === "reasoning") {
      if (isForeignReasoning(part)) foreign.push(part);
      if (!includeThoughts || (part.text === "" && !part.signature)) continue;
      const thought: GeminiPart = { text: part.text, thought: true };
      if (part.origin === GEMINI_ORIGIN && part.signature) thought.thoughtSignature = part.signature;
      parts.push(thought);
    } else if (part.type === "text") {
      carry({ text: part.text }, part.signature);
    } else {
      carry({ functionCall: { id: part.id, name: part.name, args: argumentsObject(part.arguments) } }, part.signature);
    }
  }
  const body: GeminiResponse = {
    candidates: [
      {
        content: { parts, role: "model" },
        finishReason: encodeFinishReason(response.finishReason, response.rawFinishReason),
        index: 0,
      },
    ],
    usageMetadata: encodeUsage(response.usage),
    modelVersion: response.model || request.model,
    responseId: response.id,
  };
  return body as JsonObject;
}
