import { createParser } from "eventsource-parser";
import { GatewayError } from "../core/errors.ts";
import type { SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import { preOutputWait, readWithin, watchStream, type StreamWatch } from "./keep-alive.ts";
import { SseEventFramer, SseEventLimit } from "./sse-event-limit.ts";
import { upstreamLimits, UpstreamLimitError } from "./upstream-limits.ts";
import { findErrorText } from "./error-text-match.ts";
import { failOver, type FailOver } from "./attempt-outcome.ts";

export interface StreamObserver {
  /** Sees every SSE event as it passes. */
  onEvent(event: SseEvent): void;
  /** The upstream ended cleanly. Returns a closing frame to append (e.g. an error event), if any. */
  onEnd(): string | undefined;
  /** The upstream failed mid-stream. Returns the protocol's error frame to send instead of a clean end. */
  onFailure(error: unknown): string;
  /** The client went away. */
  onCancel(): void;
}

const encoder = new TextEncoder();

/** The chunks read before committing to an attempt, or why it failed. */
export type FastPathStart = { chunks: Uint8Array[] } | FailOver;

/**
 * Reads the upstream's stream while it only carries preamble events (message_start, pings,
 * role-only chunks), so that an error frame before any output still fails over. Fails when
 * output has not started by `outputBy` (epoch ms; the model's total timeout). So does an
 * event past the size limit: what is held here stays within it.
 */
export async function awaitFastPathStart(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  firstChunk: Uint8Array,
  upstream: WireProtocol,
  options: { errorMatch?: string; idleMs: number; outputBy?: number },
): Promise<FastPathStart> {
  const chunks = [firstChunk];
  const decoder = new TextDecoder();
  let failed: GatewayError | string | undefined;
  let started = false;
  const limit = new SseEventLimit(upstreamLimits().maxSseEventBytes);
  const parser = createParser({
    onEvent(message) {
      if (started || failed) return;
      const event = { event: message.event, data: message.data };
      failed = upstream.streamEventError(event);
      if (!failed && !upstream.isPreambleEvent(event)) started = true;
    },
  });
  const see = (chunk: Uint8Array) => {
    try {
      limit.see(chunk);
    } catch (error) {
      failed ??= (error as Error).message;
      return;
    }
    const text = decoder.decode(chunk, { stream: true });
    const errorText = options.errorMatch ? findErrorText(text, options.errorMatch) : undefined;
    if (errorText) failed ??= `the stream contains the provider's error text "${errorText}"`;
    parser.feed(text);
  };
  see(firstChunk);
  while (!started && !failed) {
    const wait = preOutputWait(options.idleMs, options.outputBy);
    const next = await readWithin(reader, wait.ms);
    if (next === "idle") failed = new GatewayError("timeout", wait.failure);
    else if (next.done) break;
    else {
      chunks.push(next.value);
      see(next.value);
    }
  }
  if (failed) {
    void reader.cancel().catch(() => {});
    return failOver(failed);
  }
  return { chunks };
}

/**
 * Same-protocol fast path: passes upstream bytes to the client untouched, starting with the
 * chunks already read while deciding the attempt succeeded, and lets an observer see the SSE
 * events on the side. Keep-alives fill silences; an upstream silent past `idleMs`, or still
 * streaming past `maxDurationMs`, is cancelled and the stream ends with the observer's error frame.
 * Bytes go on whole events at a time (SseEventFramer), so those frames never land inside an
 * event; an event past the size limit ends the stream the same way.
 */
export function observeStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  firstChunks: Uint8Array[],
  observer: StreamObserver,
  options: { keepAliveFrame: string; idleMs: number; maxDurationMs?: number },
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (message) => observer.onEvent({ event: message.event, data: message.data }) });
  const see = (chunk: Uint8Array) => parser.feed(decoder.decode(chunk, { stream: true }));
  const pending = firstChunks.slice();
  const framer = new SseEventFramer(upstreamLimits().maxSseEventBytes);
  let watch: StreamWatch;
  // Set once the stream is over for any reason, so a read that resolves later changes nothing.
  let finished = false;
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, closing: string | undefined) => {
    if (finished) return;
    finished = true;
    watch.stop();
    if (closing) controller.enqueue(encoder.encode(closing));
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      watch = watchStream(controller, encoder.encode(options.keepAliveFrame), {
        idleMs: options.idleMs,
        maxDurationMs: options.maxDurationMs,
        // Ends the client's stream at once (not at its next read), so a client that stopped
        // reading cannot keep the attempt open either.
        onTimeout(reason) {
          void reader.cancel().catch(() => {});
          end(controller, observer.onFailure(new GatewayError("timeout", reason)));
        },
      });
    },
    async pull(controller) {
      try {
        // Until whole events can go on: the stream pulls again only after something was enqueued.
        for (;;) {
          let chunk = pending.shift();
          if (chunk === undefined) {
            const { done, value } = await reader.read();
            if (finished) return;
            if (done) {
              const rest = framer.flush();
              if (rest) controller.enqueue(rest);
              end(controller, observer.onEnd());
              return;
            }
            watch.touch();
            chunk = value;
          }
          const complete = framer.push(chunk);
          see(chunk);
          if (complete) {
            controller.enqueue(complete);
            return;
          }
        }
      } catch (error) {
        if (finished) return;
        // Past the event limit the upstream is still sending: stop it.
        if (error instanceof UpstreamLimitError) void reader.cancel().catch(() => {});
        end(controller, observer.onFailure(error));
      }
    },
    cancel(reason) {
      if (finished) return;
      finished = true;
      watch.stop();
      observer.onCancel();
      return reader.cancel(reason);
    },
  });
}
