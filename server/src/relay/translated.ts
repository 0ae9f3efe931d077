import type { StreamEvent } from "../core/canonical.ts";
import { mergeUsage, type Usage } from "../core/usage.ts";
import { answerFailed, clientLeft, factsOf, type AnswerFacts } from "./attempt-outcome.ts";
import { estimateSafely, outputOf } from "./exchange.ts";
import { usableBody, type AnswerPath } from "./answer-body.ts";
import { promptTokenEstimate } from "./prompt-estimate.ts";
import { awaitFirstOutput, decodeUpstreamEvents, encodeClientStream } from "./translate-stream.ts";

/**
 * An answer in another protocol than the client's: decoded into the canonical model and
 * encoded again in the client's protocol, whole (non-stream) or event by event.
 */
export const translated: AnswerPath = async (exchange, answer, candidate, upstream, end, headers) => {
  const { protocol, decoded } = exchange;
  if (answer.kind === "body") {
    const usable = usableBody(answer, candidate, upstream);
    if (!("json" in usable)) return usable;
    const response = upstream.decodeResponse(usable.json, decoded());
    response.usage ??= await estimateSafely(decoded, async () => outputText(response.content));
    end({ usage: response.usage, response: factsOf(response) });
    return Response.json(protocol.encodeResponse(response, decoded()), { headers });
  }

  const idleMs = exchange.route.model.streamIdleTimeoutMs;
  const events = decodeUpstreamEvents(answer.firstChunk, answer.reader, upstream.decodeStream(decoded()));
  const start = await awaitFirstOutput(events, idleMs, exchange.deadline);
  if ("failed" in start) return start;
  let usage: Usage | undefined;
  let text = "";
  const facts: AnswerFacts = {};
  // Counted only if the client's encoder asks (Anthropic's message_start, when the upstream has not reported input tokens yet).
  const clientContext = { ...exchange.context, promptTokens: promptTokenEstimate(decoded) };
  const encoder = protocol.encodeStream(decoded(), clientContext);
  const body = encodeClientStream(
    start.events,
    events,
    exchange.capture ? capturedFrames(encoder, exchange.capture) : encoder,
    { keepAliveFrame: protocol.keepAliveFrame, idleMs, maxDurationMs: exchange.route.model.maxStreamDurationMs },
    {
      onEvent(event) {
        if (event.type === "usage" || event.type === "response-start" || event.type === "finish") usage = mergeUsage(usage, event.usage);
        else text += outputOf(event);
        if (event.type === "response-start") facts.model = event.model || undefined;
        if (event.type === "finish") facts.finishReason = event.rawFinishReason ?? event.finishReason;
      },
      async onClose(outcome) {
        const failed = outcome.cancelled ? clientLeft() : outcome.error ? answerFailed(outcome.error) : undefined;
        const counted = usage && usage.outputTokens + usage.inputTokens > 0 ? usage : await estimateSafely(decoded, async () => text);
        end({ failed, durationMs: exchange.elapsed(), usage: counted, response: facts });
      },
    },
    exchange.traceId,
  );
  return new Response(body, { status: 200, headers });
};

/**
 * The client's stream encoder, also keeping each frame it writes: a translated stream is captured
 * as the client received it (its protocol's frames), like a passed-through one.
 */
function capturedFrames(encode: TransformStream<StreamEvent, string>, capture: { response: string }): TransformStream<StreamEvent, string> {
  const keep = new TransformStream<string, string>({
    transform(frame, controller) {
      capture.response += frame;
      controller.enqueue(frame);
    },
  });
  return { writable: encode.writable, readable: encode.readable.pipeThrough(keep) };
}

function outputText(content: Array<{ type: string; text?: string; arguments?: string }>): string {
  return content.map((part) => part.text ?? part.arguments ?? "").join("");
}
