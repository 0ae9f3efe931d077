import { EventSourceParserStream } from "eventsource-parser/stream";
import { isOutputEvent, type StreamEvent } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import type { SseEvent } from "../core/wire-protocol.ts";
import { preOutputWait, readWithin, watchStream, type StreamWatch } from "./keep-alive.ts";
import { SseEventLimit } from "./sse-event-limit.ts";
import { upstreamLimits } from "./upstream-limits.ts";
import { failOver, type FailOver } from "./attempt-outcome.ts";

/**
 * Upstream bytes (first chunk already read) → SSE events → canonical events through the
 * upstream's decoder. An SSE event past the size limit errors the events (and stops the upstream)
 * before the parser holds more of it.
 */
export function decodeUpstreamEvents(
  firstChunk: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  decode: TransformStream<SseEvent, StreamEvent>,
): ReadableStreamDefaultReader<StreamEvent> {
  let pending: Uint8Array | undefined = firstChunk;
  const limit = new SseEventLimit(upstreamLimits().maxSseEventBytes);
  const pass = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    try {
      limit.see(chunk);
    } catch (error) {
      void reader.cancel().catch(() => {});
      controller.error(error);
      return;
    }
    controller.enqueue(chunk);
  };
  const bytes = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending) {
        pass(controller, pending);
        pending = undefined;
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else pass(controller, value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return bytes
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .pipeThrough(new TransformStream<{ event?: string; data: string }, SseEvent>({
      transform: (message, controller) => controller.enqueue({ event: message.event, data: message.data }),
    }))
    .pipeThrough(decode)
    .getReader();
}

/** The events read while waiting for the model to start answering. */
export type StreamStart = { events: StreamEvent[] } | FailOver;

/**
 * Reads until the first output event. An error (frame or broken connection) before any
 * output means the attempt failed and another candidate may still serve the client, and so
 * does output not started by `outputBy` (epoch ms; the model's total timeout).
 */
export async function awaitFirstOutput(events: ReadableStreamDefaultReader<StreamEvent>, idleMs: number, outputBy?: number): Promise<StreamStart> {
  const buffered: StreamEvent[] = [];
  try {
    for (;;) {
      const wait = preOutputWait(idleMs, outputBy);
      const next = await readWithin(events, wait.ms);
      if (next === "idle") {
        void events.cancel().catch(() => {});
        return failOver(new GatewayError("timeout", wait.failure));
      }
      const { done, value } = next;
      if (done) return failOver("upstream stream ended before any output");
      if (value.type === "error") {
        void events.cancel().catch(() => {});
        return failOver(value.error);
      }
      buffered.push(value);
      if (isOutputEvent(value)) return { events: buffered };
    }
  } catch (error) {
    return failOver(`upstream stream failed: ${(error as Error).message}`);
  }
}

export interface TranslatedStreamHooks {
  /** Sees each canonical event before it is encoded. */
  onEvent(event: StreamEvent): void;
  /** The stream is over: cleanly, with an error, or because the client left. */
  onClose(outcome: { error?: GatewayError; cancelled?: boolean }): void;
}

const encoder = new TextEncoder();

/**
 * Canonical events (buffered start, then the rest) → the client protocol's stream grammar,
 * as bytes with keep-alives. A broken upstream, one silent past `idleMs` or one still
 * streaming past `maxDurationMs` becomes a canonical error event, so the client's encoder
 * closes the stream with its protocol's error frame.
 */
export function encodeClientStream(
  buffered: StreamEvent[],
  events: ReadableStreamDefaultReader<StreamEvent>,
  encode: TransformStream<StreamEvent, string>,
  options: { keepAliveFrame: string; idleMs: number; maxDurationMs?: number },
  hooks: TranslatedStreamHooks,
  traceId: string,
): ReadableStream<Uint8Array> {
  let failure: GatewayError | undefined;
  let sourceController: ReadableStreamDefaultController<StreamEvent>;
  // Set once the canonical events are over, so a read that resolves later adds nothing.
  let sourceEnded = false;
  const endSource = (error?: GatewayError) => {
    if (sourceEnded) return;
    sourceEnded = true;
    try {
      if (error) sourceController.enqueue({ type: "error", error });
      sourceController.close();
    } catch {
      // Already cancelled by the client: nobody is left to tell.
    }
  };
  const source = new ReadableStream<StreamEvent>({
    start(controller) {
      sourceController = controller;
    },
    async pull(controller) {
      const next = buffered.shift();
      if (next) {
        hooks.onEvent(next);
        controller.enqueue(next);
        return;
      }
      try {
        const { done, value } = await events.read();
        if (sourceEnded) return;
        if (done) {
          endSource();
          return;
        }
        if (value.type === "error") failure ??= value.error;
        hooks.onEvent(value);
        controller.enqueue(value);
      } catch (error) {
        if (sourceEnded) return;
        failure = new GatewayError("upstream", `upstream stream failed: ${(error as Error).message}`, { traceId });
        endSource(failure);
      }
    },
    cancel: (reason) => events.cancel(reason),
  });
  const frames = source.pipeThrough(encode).getReader();
  let watch: StreamWatch;
  let closed = false;
  const close = (outcome: { error?: GatewayError; cancelled?: boolean }) => {
    if (closed) return;
    closed = true;
    watch.stop();
    hooks.onClose(outcome);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      watch = watchStream(controller, encoder.encode(options.keepAliveFrame), {
        idleMs: options.idleMs,
        maxDurationMs: options.maxDurationMs,
        onTimeout(reason) {
          failure = new GatewayError("timeout", reason, { traceId });
          void events.cancel().catch(() => {});
          endSource(failure);
          // Logged now, not when the error frame is read, so a client that stopped reading
          // cannot keep the attempt open.
          close({ error: failure });
        },
      });
    },
    async pull(controller) {
      try {
        const { done, value } = await frames.read();
        if (done) {
          close({ error: failure });
          controller.close();
          return;
        }
        watch.touch();
        controller.enqueue(encoder.encode(value));
      } catch (error) {
        close({ error: new GatewayError("internal", `encoding the stream failed: ${(error as Error).message}`) });
        controller.close();
      }
    },
    cancel(reason) {
      close({ cancelled: true });
      return frames.cancel(reason);
    },
  });
}
