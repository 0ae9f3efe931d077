import { createParser } from "eventsource-parser";

export interface StreamObserver {
  /** Sees the data of every SSE event as it passes. */
  onEvent(data: string, event: string | undefined): void;
  /** The upstream ended cleanly. Returns a closing frame to append (e.g. an error event), if any. */
  onEnd(): string | undefined;
  /** The upstream failed mid-stream. Returns the protocol's error frame to send instead of a clean end. */
  onFailure(error: unknown): string;
  /** The client went away. */
  onCancel(): void;
}

const encoder = new TextEncoder();

/**
 * Passes upstream bytes to the client untouched, starting with the chunk already read
 * while deciding the attempt succeeded, and lets an observer parse the SSE events on the side.
 */
export function observeStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  firstChunk: Uint8Array,
  observer: StreamObserver,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (message) => observer.onEvent(message.data, message.event) });
  const see = (chunk: Uint8Array) => parser.feed(decoder.decode(chunk, { stream: true }));
  let pending: Uint8Array | undefined = firstChunk;

  return new ReadableStream<Uint8Array>({
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
          const closing = observer.onEnd();
          if (closing) controller.enqueue(encoder.encode(closing));
          controller.close();
          return;
        }
        see(value);
        controller.enqueue(value);
      } catch (error) {
        controller.enqueue(encoder.encode(observer.onFailure(error)));
        controller.close();
      }
    },
    cancel(reason) {
      observer.onCancel();
      return reader.cancel(reason);
    },
  });
}
