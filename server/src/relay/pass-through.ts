import { GatewayError } from "../core/errors.ts";
import { mergeUsage, type Usage } from "../core/usage.ts";
import type { JsonObject, SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import { answerFailed, clientLeft, factsOf, type AnswerEnd, type AnswerFacts, type EndAttempt } from "./attempt-outcome.ts";
import { usableBody, type AnswerPath } from "./answer-body.ts";
import { estimateSafely, textOfEvents, type Exchange } from "./exchange.ts";
import { awaitFastPathStart, observeStream } from "./observed-stream.ts";

/** Beyond this much stream data without a usage report, output tokens are not estimated. */
const MAX_UNACCOUNTED_BYTES = 1 << 20;

/**
 * An answer in the client's own protocol: its bytes go out as they came, observed on the way
 * (usage, the end of the stream, error frames) but never decoded whole.
 */
export const passThrough: AnswerPath = async (exchange, answer, candidate, upstream, end, headers) => {
  if (answer.kind === "body") {
    const usable = usableBody(answer, candidate, upstream);
    if (!("json" in usable)) return usable;
    const usage = upstream.usageFromResponse(usable.json) ?? (await estimateSafely(exchange.decoded, async () => answer.text));
    end({ usage, response: exchange.traced ? decodedFacts(upstream, usable.json, exchange) : undefined });
    return new Response(answer.text, { status: answer.response.status, headers });
  }
  const idleMs = exchange.route.model.streamIdleTimeoutMs;
  const start = await awaitFastPathStart(answer.reader, answer.firstChunk, upstream, { errorMatch: candidate.errorMatch, idleMs, outputBy: exchange.deadline });
  if ("failed" in start) return start;
  return new Response(relayedStream(exchange, answer.reader, start.chunks, upstream, end), { status: 200, headers });
};

/** The model and finish reason of a passed-through body, decoded only for a trace that records them. */
function decodedFacts(upstream: WireProtocol, json: JsonObject, exchange: Exchange): AnswerFacts | undefined {
  try {
    return factsOf(upstream.decodeResponse(json, exchange.decoded()));
  } catch {
    return undefined;
  }
}

/** The upstream's stream as the client receives it, ending the attempt when it closes, breaks or is cancelled. */
function relayedStream(exchange: Exchange, reader: ReadableStreamDefaultReader<Uint8Array>, chunks: Uint8Array[], upstream: WireProtocol, end: EndAttempt) {
  const { protocol, traceId, capture } = exchange;
  let usage: Usage | undefined;
  let streamError: GatewayError | undefined;
  let ended = false;
  // Kept only until the upstream shows it reports usage, to estimate tokens if it never does.
  let unaccounted: SseEvent[] | undefined = [];
  let unaccountedBytes = 0;
  const finish = async (failed?: AnswerEnd["failed"]) => {
    const held = unaccounted;
    const counted = usage ?? (held ? await estimateSafely(exchange.decoded, () => textOfEvents(held, upstream)) : undefined);
    end({ failed, durationMs: exchange.elapsed(), usage: counted });
  };
  return observeStream(
    reader,
    chunks,
    {
      onEvent(event) {
        if (capture) capture.response += `${event.data}\n`;
        if (upstream.isStreamEnd(event)) ended = true;
        streamError ??= upstream.streamEventError(event);
        usage = mergeUsage(usage, upstream.usageFromStreamEvent(event));
        if (usage) unaccounted = undefined;
        else if (unaccounted) {
          unaccountedBytes += event.data.length;
          if (unaccountedBytes > MAX_UNACCOUNTED_BYTES) unaccounted = undefined;
          else unaccounted.push(event);
        }
      },
      onEnd() {
        if (streamError || ended) {
          void finish(streamError ? answerFailed(streamError) : undefined);
          return undefined;
        }
        const error = new GatewayError("upstream", "upstream stream ended before completion", { traceId });
        void finish(answerFailed(error));
        return protocol.encodeStreamError(error);
      },
      onFailure(cause) {
        // The stream's own limits (duration, event size) come as GatewayErrors that say what happened.
        const error = cause instanceof GatewayError ? cause : new GatewayError("upstream", `upstream stream failed: ${(cause as Error)?.message ?? cause}`, { traceId });
        error.traceId ??= traceId;
        void finish(answerFailed(error));
        return protocol.encodeStreamError(error);
      },
      onCancel() {
        void finish(clientLeft());
      },
    },
    { keepAliveFrame: protocol.keepAliveFrame, idleMs: exchange.route.model.streamIdleTimeoutMs, maxDurationMs: exchange.route.model.maxStreamDurationMs },
  );
}
