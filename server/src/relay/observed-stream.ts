import { createParser } from "eventsource-parser";
import type { SseEvent } from "../core/wire-protocol.ts";
import { startKeepAlive } from "./keep-alive.ts";

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

/**
 * Same-protocol fast path: passes upstream bytes to the client untouched, starting with
 * the chunk already read while deciding the attempt succeeded, and lets an observer see
 * the SSE events on the side.
 */
export function observeStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  firstChunk: Uint8Array,
  observer: StreamObserver,
  keepAliveFrame: string,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (message) => observer.onEvent({ event: message.event, data: message.data }) });
  const see = (chunk: Uint8Array) => parser.feed(decoder.decode(chunk, { stream: true }));
  let pending: Uint8Array | undefined = firstChunk;
  let keepAlive: ReturnType<typeof startKeepAlive>;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = startKeepAlive(controller, encoder.encode(keepAliveFrame));
    },
    async pull(controller) {
      if (pending) {
        const chunk = pending;
        pending = undefined;
        see(chunk);
        controller.enqueue(chunk);
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) {
          keepAlive.stop();
          const closing = observer.onEnd();
          if (closing) controller.enqueue(encoder.encode(closing));
          controller.close();
          return;
        }
        keepAlive.touch();
        see(value);
        controller.enqueue(value);
      } catch (error) {
        keepAlive.stop();
        controller.enqueue(encoder.encode(observer.onFailure(error)));
        controller.close();
      }
    },
    cancel(reason) {
      keepAlive.stop();
      observer.onCancel();
      return reader.cancel(reason);
    },
  });
}
