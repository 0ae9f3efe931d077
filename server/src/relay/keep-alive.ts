/** How long a stream may stay silent before a keep-alive frame is sent. */
export const KEEP_ALIVE_INTERVAL_MS = 15_000;

/**
 * Sends the protocol's keep-alive frame whenever a stream has been silent for an
 * interval, so proxies and clients do not drop a connection while a model thinks.
 */
export function startKeepAlive(controller: ReadableStreamDefaultController<Uint8Array>, frame: Uint8Array, intervalMs = KEEP_ALIVE_INTERVAL_MS) {
  let sentSinceTick = false;
  const timer = setInterval(() => {
    if (!sentSinceTick) {
      try {
        controller.enqueue(frame);
      } catch {
        clearInterval(timer);
      }
    }
    sentSinceTick = false;
  }, intervalMs);
  return {
    touch() {
      sentSinceTick = true;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
