/**
 * Canonical stream events → Gemini `streamGenerateContent` frames.
 *
 * Every frame is a whole GenerateContentResponse holding only that moment's new parts.
 * Two framings, chosen by the URL: `alt=sse` gives `data: {…}\r\n\r\n` frames (no event
 * names, no terminal sentinel); without it the body is one JSON array, opened with the
 * first element and closed in `flush`. Function calls are emitted whole at
 * `tool-input-end` (Gemini never streams partial arguments). The last frame carries the
 * finishReason and the usage. An error becomes an `{"error":{…}}` frame (SSE) or the last
 * array element; a stream that ends without `finish` gets such an error, never a clean end.
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
import type { CanonicalRequest, ReasoningPart, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import type { RequestContext } from "../../core/wire-protocol.ts";
import { argumentsObject } from "./encode-response.ts";
import { encodeErrorDetail } from "./errors.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { GEMINI_ORIGIN, isForeignReasoning, sealEnvelope } from "./signatures.ts";
import { encodeUsage } from "./usage.ts";
import type { GeminiPart, GeminiResponse } from "./wire-types.ts";

interface PendingCall {
  id: string;
  name: string;
  signature?: string;
  arguments: string;
}

/** Canonical events → Gemini frames in the framing the client asked for (`context.streamFormat`, SSE by default). */
export function encodeStream(request: CanonicalRequest, context: RequestContext): TransformStream<StreamEvent, string> {
  const jsonArray = context.streamFormat === "json-array";
  const includeThoughts = request.reasoning?.includeThoughts === true;
  let responseId = "";
  let model = request.model;
  let usage: Usage | undefined;
  let frames = 0;
  let done = false;
  const calls = new Map<number, PendingCall>();
  const reasoningText = new Map<number, string>();
  let foreign: ReasoningPart[] = [];

  const frame = (body: object): string => {
    const json = JSON.stringify(body);
    const framed = jsonArray ? `${frames === 0 ? "[" : ",\r\n"}${json}` : `data: ${json}\r\n\r\n`;
    frames++;
    return framed;
  };
  const chunk = (parts: GeminiPart[], finishReason?: string): string => {
    const body: GeminiResponse = {
      candidates: [{ content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    };
    if (finishReason) body.usageMetadata = encodeUsage(usage);
    body.modelVersion = model;
    if (responseId) body.responseId = responseId;
    return frame(body);
  };
  // The signature for the next non-thought part: its own, or the envelope of pending foreign reasoning.
  const signatureFor = (own: string | undefined): string | undefined => {
    if (own) return own;
    if (foreign.length === 0) return undefined;
    const sealed = sealEnvelope(foreign);
    foreign = [];
    return sealed;
  };
  const callFrame = (call: PendingCall): string => {
    const part: GeminiPart = { functionCall: { id: call.id, name: call.name, args: argumentsObject(call.arguments) } };
    const signature = signatureFor(call.signature);
    if (signature) part.thoughtSignature = signature;
    return chunk([part]);
  };
  // SSE: an error data frame; JSON array: the error object as the last element.
  const errorFrame = (error: GatewayError): string => frame({ error: encodeErrorDetail(error) });

  return new TransformStream<StreamEvent, string>({
    transform(event, controller) {
      if (done) return;
      switch (event.type) {
        case "response-start":
          responseId = event.id;
          if (event.model) model = event.model;
          usage = mergeUsage(usage, event.usage);
          break;
        case "text-delta": {
          if (event.text === "") break;
          const part: GeminiPart = { text: event.text };
          const signature = signatureFor(undefined);
          if (signature) part.thoughtSignature = signature;
          controller.enqueue(chunk([part]));
          break;
        }
        case "text-end":
          // Gemini closes signed text with an empty part carrying the signature.
          if (event.signature) controller.enqueue(chunk([{ text: "", thoughtSignature: event.signature }]));
          break;
        case "reasoning-start":
          reasoningText.set(event.index, "");
          break;
        case "reasoning-delta":
          reasoningText.set(event.index, (reasoningText.get(event.index) ?? "") + event.text);
          if (includeThoughts && event.text !== "") controller.enqueue(chunk([{ text: event.text, thought: true }]));
          break;
        case "reasoning-end": {
          const part: ReasoningPart = { type: "reasoning", text: reasoningText.get(event.index) ?? "" };
          reasoningText.delete(event.index);
          if (event.origin !== undefined) part.origin = event.origin;
          if (event.signature !== undefined) part.signature = event.signature;
          if (event.redactedData !== undefined) part.redactedData = event.redactedData;
          if (event.encryptedContent !== undefined) part.encryptedContent = event.encryptedContent;
          if (isForeignReasoning(part)) foreign.push(part);
          else if (includeThoughts && part.origin === GEMINI_ORIGIN && part.signature) {
            controller.enqueue(chunk([{ text: "", thought: true, thoughtSignature: part.signature }]));
          }
          break;
        }
        case "tool-input-start":
          calls.set(event.index, { id: event.id, name: event.name, signature: event.signature, arguments: "" });
          break;
        case "tool-input-delta": {
          const call = calls.get(event.index);
          if (call) call.arguments += event.delta;
          break;
        }
        case "tool-input-end": {
          const call = calls.get(event.index);
          calls.delete(event.index);
          if (call) controller.enqueue(callFrame(call));
          break;
        }
        case "usage":
          usage = mergeUsage(usage, event.usage);
          break;
        case "finish":
          // A call the upstream never closed is still sent whole rather than lost.
          for (const call of calls.values()) controller.enqueue(callFrame(call));
          calls.clear();
          usage = mergeUsage(usage, event.usage);
          controller.enqueue(chunk([{ text: "" }], encodeFinishReason(event.finishReason, event.rawFinishReason)));
          done = true;
          break;
        case "error":
          controller.enqueue(errorFrame(event.error));
          done = true;
          break;
      }
    },
    flush(controller) {
      if (!done) controller.enqueue(errorFrame(new GatewayError("upstream", "upstream stream ended before completion")));
      if (jsonArray) controller.enqueue("]");
    },
  });
}
