/** How long a stream may stay silent before a keep-alive frame is sent. */
export const KEEP_ALIVE_INTERVAL_MS = 15_000;

/** Longest delay a timer takes (about 24.8 days); longer limits are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface StreamWatch {
  /** The upstream sent data. */
  touch(): void;
  stop(): void;
  /** Why the watch gave up on the stream (silent or running too long), once it did. */
  readonly timedOut: string | undefined;
}

export interface StreamWatchOptions {
  /** Silence after which the upstream is given up on. */
  idleMs: number;
  /** Running time after which the stream is ended even while data still flows; none when omitted. */
  maxDurationMs?: number;
  /** Called once, with the reason, when either limit is reached. */
  onTimeout: (reason: string) => void;
  intervalMs?: number;
}

/**
 * Watches a stream the gateway is relaying: sends the protocol's keep-alive frame whenever
 * it has been silent for an interval (so proxies and clients keep the connection while a
 * model thinks), and gives up by calling `onTimeout` on an upstream silent past `idleMs` or
 * one still streaming past `maxDurationMs` (an upstream that never ends).
 */
export function watchStream(
  controller: ReadableStreamDefaultController<Uint8Array>,
  frame: Uint8Array,
  options: StreamWatchOptions,
): StreamWatch {
  const interval = Math.max(10, Math.min(options.intervalMs ?? KEEP_ALIVE_INTERVAL_MS, options.idleMs / 2));
  let sentSinceTick = false;
  let lastData = Date.now();
  let timedOut: string | undefined;
  const stop = () => {
    clearInterval(timer);
    clearTimeout(deadline);
  };
  const giveUp = (reason: string) => {
    if (timedOut !== undefined) return;
    timedOut = reason;
    stop();
    options.onTimeout(reason);
  };
  const timer = setInterval(() => {
    if (Date.now() - lastData >= options.idleMs) return giveUp(idleReason(options.idleMs));
    if (!sentSinceTick) {
      try {
        controller.enqueue(frame);
      } catch {
        clearInterval(timer);
      }
    }
    sentSinceTick = false;
  }, interval);
  const maxDurationMs = options.maxDurationMs;
  const deadline =
    maxDurationMs === undefined ? undefined : setTimeout(() => giveUp(durationReason(maxDurationMs)), Math.min(maxDurationMs, MAX_TIMER_MS));
  return {
    touch() {
      sentSinceTick = true;
      lastData = Date.now();
    },
    stop,
    get timedOut() {
      return timedOut;
    },
  };
}

/** Why a stream silent past the model's idle timeout was ended. */
export function idleReason(idleMs: number): string {
  return `upstream sent no data for ${idleMs} ms`;
}

/** Why a stream running past the model's maximum duration was ended. */
export function durationReason(maxDurationMs: number): string {
  return `stream exceeded the model's maximum duration of ${maxDurationMs / 1000} s`;
}

/**
 * How long the next read before any output may wait: the idle limit, or less when the time by
 * which output must start (`outputBy`, epoch ms) comes first, as for an upstream that sends
 * nothing but preamble (pings) forever; and the attempt's failure when that wait runs out.
 */
export function preOutputWait(idleMs: number, outputBy: number | undefined): { ms: number; failure: string } {
  const left = outputBy === undefined ? Number.POSITIVE_INFINITY : outputBy - Date.now();
  if (left < idleMs) return { ms: Math.max(0, left), failure: "no output before the model's total timeout" };
  return { ms: idleMs, failure: `no output within ${idleMs} ms` };
}

/** The next read of a stream, or "idle" when nothing arrives within `ms`. */
export function readWithin<T>(reader: ReadableStreamDefaultReader<T>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<"idle">((resolve) => (timer = setTimeout(() => resolve("idle"), ms)));
  return Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
}
