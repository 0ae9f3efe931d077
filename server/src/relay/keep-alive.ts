/** How long a stream may stay silent before a keep-alive frame is sent. */
export const KEEP_ALIVE_INTERVAL_MS = 15_000;

export interface StreamWatch {
  /** The upstream sent data. */
  touch(): void;
  stop(): void;
  /** True once the upstream stayed silent past the idle limit. */
  readonly idled: boolean;
}

/**
 * Watches a stream the gateway is relaying: sends the protocol's keep-alive frame whenever
 * it has been silent for an interval (so proxies and clients keep the connection while a
 * model thinks), and gives up on an upstream silent past `idleMs` by calling `onIdle`.
 */
export function watchStream(
  controller: ReadableStreamDefaultController<Uint8Array>,
  frame: Uint8Array,
  options: { idleMs: number; onIdle: () => void; intervalMs?: number },
): StreamWatch {
  const interval = Math.max(10, Math.min(options.intervalMs ?? KEEP_ALIVE_INTERVAL_MS, options.idleMs / 2));
  let sentSinceTick = false;
  let lastData = Date.now();
  let idled = false;
  const timer = setInterval(() => {
    if (Date.now() - lastData >= options.idleMs) {
      idled = true;
      clearInterval(timer);
      options.onIdle();
      return;
    }
    if (!sentSinceTick) {
      try {
        controller.enqueue(frame);
      } catch {
        clearInterval(timer);
      }
    }
    sentSinceTick = false;
  }, interval);
  return {
    touch() {
      sentSinceTick = true;
      lastData = Date.now();
    },
    stop() {
      clearInterval(timer);
    },
    get idled() {
      return idled;
    },
  };
}

/** The next read of a stream, or "idle" when nothing arrives within `ms`. */
export function readWithin<T>(reader: ReadableStreamDefaultReader<T>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<"idle">((resolve) => (timer = setTimeout(() => resolve("idle"), ms)));
  return Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
}
