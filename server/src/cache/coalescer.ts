import { isOutputEvent, type StreamEvent } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import type { CachedAnswer } from "./cached-answer.ts";

/** The first request for a key: it calls the upstream and tells the waiters how that goes. */
export interface Flight {
  /** One event of the answer as it streams to the first client; streaming waiters get it at once. */
  publish(event: StreamEvent): void;
  /** The answer it stored, or undefined when it failed (waiters that got nothing yet then call the upstream themselves). */
  land(answer: CachedAnswer | undefined): void;
}

/** A streamed answer a waiter follows while the first request is still receiving it. */
export interface LiveAnswer {
  /** The events so far, then each new one until the answer ends (with an error event if the first request's stream failed). */
  events(): ReadableStream<StreamEvent>;
  /** The first request's stored answer once it has landed, or undefined when it failed. */
  landed: Promise<CachedAnswer | undefined>;
}

/** What a waiter gets: the complete answer, a live stream of it, or nothing (it goes on by itself). */
export type Joined = { answer: CachedAnswer } | { live: LiveAnswer } | undefined;

export interface CoalescerOptions {
  /** Requests that may wait for one flight; later ones call the upstream on their own. */
  maxWaiters: number;
}

type Listener = (event: StreamEvent | undefined) => void;

/** What a waiter following a stream sees when the first request's stream failed. */
export const SHARED_STREAM_FAILED = "the upstream stream this request shared with an identical one failed";

/** One flight as the waiters see it. */
class Pending {
  readonly events: StreamEvent[] = [];
  readonly listeners = new Set<Listener>();
  outputStarted = false;
  ended = false;
  failed = false;
  waiters = 0;
  readonly landed: Promise<CachedAnswer | undefined>;
  land!: (answer: CachedAnswer | undefined) => void;

  constructor() {
    this.landed = new Promise((resolve) => (this.land = resolve));
  }

  publish(event: StreamEvent): void {
    if (this.ended) return;
    this.events.push(event);
    if (isOutputEvent(event)) this.outputStarted = true;
    for (const listener of this.listeners) listener(event);
  }

  end(answer: CachedAnswer | undefined): void {
    this.ended = true;
    this.failed = answer === undefined;
    for (const listener of this.listeners) listener(undefined);
    this.land(answer);
  }

  /** The flight's events from the start; a stream that failed ends with an error event unless it carried one. */
  live(): LiveAnswer {
    return {
      landed: this.landed,
      events: () => {
        let listener: Listener | undefined;
        return new ReadableStream<StreamEvent>({
          start: (controller) => {
            const finish = () => {
              if (this.failed && !this.events.some((event) => event.type === "error" || event.type === "finish")) {
                controller.enqueue({ type: "error", error: new GatewayError("upstream", SHARED_STREAM_FAILED) });
              }
              controller.close();
            };
            for (const event of this.events) controller.enqueue(event);
            if (this.ended) return finish();
            listener = (event) => {
              if (event) controller.enqueue(event);
              else {
                this.listeners.delete(listener!);
                finish();
              }
            };
            this.listeners.add(listener);
          },
          cancel: () => {
            if (listener) this.listeners.delete(listener);
          },
        });
      },
    };
  }
}

/**
 * In-flight coalescing: while one request for a key is being answered, identical ones wait for
 * it instead of calling the upstream again. A streaming waiter follows the first request's stream
 * live once its output has started; any other waiter gets the complete answer. A waiter gives up
 * after its own deadline (the model's total timeout) or when its client leaves, and then goes on
 * by itself; so does every waiter that got nothing yet when the first request fails.
 */
export class Coalescer {
  private readonly flights = new Map<string, Pending>();

  constructor(private readonly options: CoalescerOptions) {}

  /**
   * Leads a new flight for `key`, or waits for the one in flight: `live` waiters are answered as
   * soon as its output starts, the others when it lands.
   */
  join(key: string, options: { waitMs: number; live: boolean; signal?: AbortSignal }): { lead: Flight } | { wait: Promise<Joined> } {
    const pending = this.flights.get(key);
    if (!pending) return { lead: this.lead(key) };
    if (pending.waiters >= this.options.maxWaiters || options.signal?.aborted) return { wait: Promise.resolve(undefined) };
    pending.waiters++;
    return { wait: waitFor(pending, options).finally(() => pending.waiters--) };
  }

  /** Requests currently leading a flight. */
  get inFlight(): number {
    return this.flights.size;
  }

  private lead(key: string): Flight {
    const pending = new Pending();
    this.flights.set(key, pending);
    return {
      publish: (event) => pending.publish(event),
      land: (answer) => {
        if (pending.ended) return;
        if (this.flights.get(key) === pending) this.flights.delete(key);
        pending.end(answer);
      },
    };
  }
}

function waitFor(pending: Pending, options: { waitMs: number; live: boolean; signal?: AbortSignal }): Promise<Joined> {
  if (options.live && pending.outputStarted) return Promise.resolve({ live: pending.live() });
  return new Promise((resolve) => {
    const listener: Listener = () => {
      if (options.live && pending.outputStarted) done({ live: pending.live() });
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(onAbort, Math.max(0, options.waitMs));
    const done = (joined: Joined) => {
      clearTimeout(timer);
      pending.listeners.delete(listener);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(joined);
    };
    if (options.live) pending.listeners.add(listener);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    pending.landed.then((answer) => done(answer ? { answer } : undefined));
  });
}
