import type { GatewayError } from "../core/errors.ts";
import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../core/canonical.ts";
import { wireProtocols } from "../protocols/index.ts";
import { durationReason, idleReason, watchStream } from "./keep-alive.ts";
import { awaitFastPathStart, observeStream, type StreamObserver } from "./observed-stream.ts";
import { awaitFirstOutput, encodeClientStream } from "./translate-stream.ts";

const encoder = new TextEncoder();

/** An upstream that sends a chunk every `everyMs` until cancelled; `cancelled` tells whether it was. */
function endlessUpstream<T>(chunk: () => T, everyMs = 10) {
  let timer: ReturnType<typeof setInterval> | undefined;
  const state = { cancelled: false };
  const stream = new ReadableStream<T>({
    start(controller) {
      timer = setInterval(() => controller.enqueue(chunk()), everyMs);
    },
    cancel() {
      clearInterval(timer);
      state.cancelled = true;
    },
  });
  return { reader: stream.getReader(), state };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("watchStream", () => {
  test("gives up on a stream still running past its maximum duration, even while data flows", async () => {
    const reasons: string[] = [];
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const watch = watchStream(controller, encoder.encode(": ping\n\n"), { idleMs: 1000, maxDurationMs: 60, onTimeout: (reason) => reasons.push(reason) });
    const feeding = setInterval(() => watch.touch(), 5);
    await Bun.sleep(120);
    clearInterval(feeding);
    expect(reasons).toEqual([durationReason(60)]);
    expect(watch.timedOut).toBe(durationReason(60));
  });

  test("reports a silent stream once, as idle", async () => {
    const reasons: string[] = [];
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const watch = watchStream(controller, encoder.encode(": ping\n\n"), { idleMs: 40, maxDurationMs: 80, onTimeout: (reason) => reasons.push(reason) });
    await Bun.sleep(150);
    expect(reasons).toEqual([idleReason(40)]);
    watch.stop();
  });

  test("stop() cancels both limits", async () => {
    let fired = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    watchStream(controller, encoder.encode(": ping\n\n"), { idleMs: 30, maxDurationMs: 30, onTimeout: () => (fired = true) }).stop();
    await Bun.sleep(80);
    expect(fired).toBe(false);
  });

  test("names the limit in seconds", () => {
    expect(durationReason(1500)).toBe("stream exceeded the model's maximum duration of 1.5 s");
    expect(durationReason(1_800_000)).toBe("stream exceeded the model's maximum duration of 1800 s");
  });
});

describe("observeStream past its maximum duration", () => {
  function observer() {
    const seen = { failures: [] as string[], ends: 0, cancels: 0 };
    const value: StreamObserver = {
      onEvent() {},
      onEnd: () => void seen.ends++,
      onFailure(error) {
        seen.failures.push((error as Error).message);
        return `data: {"error":${JSON.stringify((error as Error).message)}}\n\n`;
      },
      onCancel: () => void seen.cancels++,
    };
    return { seen, value };
  }

  test("ends with the error frame and cancels the upstream", async () => {
    const upstream = endlessUpstream(() => encoder.encode('data: {"word":"w"}\n\n'));
    const { seen, value } = observer();
    const body = observeStream(upstream.reader, [], value, { keepAliveFrame: ": ping\n\n", idleMs: 1000, maxDurationMs: 80 });
    const text = await readAll(body);
    expect(text).toContain('data: {"word":"w"}');
    expect(text.endsWith(`data: {"error":"${durationReason(80)}"}\n\n`)).toBe(true);
    expect(seen).toEqual({ failures: [durationReason(80)], ends: 0, cancels: 0 });
    expect(upstream.state.cancelled).toBe(true);
  });

  test("a client that stopped reading does not keep the attempt open", async () => {
    const upstream = endlessUpstream(() => encoder.encode('data: {"word":"w"}\n\n'));
    const { seen, value } = observer();
    const body = observeStream(upstream.reader, [], value, { keepAliveFrame: ": ping\n\n", idleMs: 1000, maxDurationMs: 60 });
    const reader = body.getReader();
    await reader.read();
    await Bun.sleep(120);
    expect(seen.failures).toEqual([durationReason(60)]);
    expect(upstream.state.cancelled).toBe(true);
    // Leaving afterwards is not a second outcome.
    await reader.cancel();
    expect(seen.cancels).toBe(0);
  });
});

describe("encodeClientStream past its maximum duration", () => {
  /** Encodes each canonical event as one line, the error event as the "protocol's" error frame. */
  const lines = () =>
    new TransformStream<StreamEvent, string>({
      transform(event, controller) {
        controller.enqueue(event.type === "error" ? `error: ${event.error.kind}: ${event.error.message}\n` : `${event.type}\n`);
      },
    });

  test("ends with the client protocol's error frame, logs why and cancels the upstream", async () => {
    const upstream = endlessUpstream<StreamEvent>(() => ({ type: "text-delta", index: 0, text: "w" }));
    const closes: { error?: GatewayError; cancelled?: boolean }[] = [];
    const body = encodeClientStream([], upstream.reader, lines(), { keepAliveFrame: ": ping\n", idleMs: 1000, maxDurationMs: 80 }, {
      onEvent() {},
      onClose: (outcome) => void closes.push(outcome),
    }, "trace");
    const text = await readAll(body);
    expect(text).toContain("text-delta\n");
    expect(text.endsWith(`error: timeout: ${durationReason(80)}\n`)).toBe(true);
    expect(closes.map((close) => [close.error?.kind, close.error?.message])).toEqual([["timeout", durationReason(80)]]);
    expect(upstream.state.cancelled).toBe(true);
  });

  test("a client that stopped reading does not keep the attempt open", async () => {
    const upstream = endlessUpstream<StreamEvent>(() => ({ type: "text-delta", index: 0, text: "w" }));
    const closes: { error?: GatewayError; cancelled?: boolean }[] = [];
    const body = encodeClientStream([], upstream.reader, lines(), { keepAliveFrame: ": ping\n", idleMs: 1000, maxDurationMs: 60 }, {
      onEvent() {},
      onClose: (outcome) => void closes.push(outcome),
    }, "trace");
    const reader = body.getReader();
    await reader.read();
    await Bun.sleep(120);
    expect(closes.map((close) => close.error?.message)).toEqual([durationReason(60)]);
    expect(upstream.state.cancelled).toBe(true);
    await reader.cancel();
    expect(closes).toHaveLength(1);
  });
});

describe("an upstream that only ever sends preamble", () => {
  const ping = () => encoder.encode('event: ping\ndata: {"type":"ping"}\n\n');

  test("fails the attempt on the pass-through path once output has not started by the model's total timeout", async () => {
    const upstream = endlessUpstream(ping);
    const started = Date.now();
    const start = await awaitFastPathStart(upstream.reader, ping(), wireProtocols.anthropic, { idleMs: 1000, outputBy: started + 80 });
    expect(start).toEqual({ failed: "no output before the model's total timeout", failure: "timeout" });
    expect(Date.now() - started).toBeLessThan(500);
    expect(upstream.state.cancelled).toBe(true);
  });

  test("fails the attempt on the translated path the same way", async () => {
    // Preamble events only: a response start now and then, never output.
    const upstream = endlessUpstream<StreamEvent>(() => ({ type: "response-start", id: "r", model: "m" }));
    const started = Date.now();
    const start = await awaitFirstOutput(upstream.reader, 1000, started + 80);
    expect(start).toEqual({ failed: "no output before the model's total timeout", failure: "timeout" });
    expect(Date.now() - started).toBeLessThan(500);
  });

  test("without a deadline, silence is still measured by the idle limit", async () => {
    const silent = new ReadableStream<Uint8Array>({ start() {} });
    const start = await awaitFastPathStart(silent.getReader(), ping(), wireProtocols.anthropic, { idleMs: 50 });
    expect(start).toEqual({ failed: "no output within 50 ms", failure: "timeout" });
  });
});
