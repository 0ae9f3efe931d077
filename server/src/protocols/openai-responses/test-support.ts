/** Helpers shared by this protocol's tests (not used by the gateway itself). */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import type { JsonObject, SseEvent } from "../../core/wire-protocol.ts";
import { loadFixture } from "../fixtures.ts";

export function canonicalRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: "gpt-5", system: [], messages: [], tools: [], stream: true, extras: {}, ...overrides };
}

export function fixture<T = JsonObject>(name: string): T[] {
  return loadFixture<T>(import.meta.dir, name);
}

/** A recorded stream (`{event, data}` lines, data as JSON) → parsed SSE events as the relay hands them over. */
export function sseFixture(name: string): SseEvent[] {
  return fixture<{ event?: string; data: unknown }>(name).map((record) => ({
    event: record.event,
    data: typeof record.data === "string" ? record.data : JSON.stringify(record.data),
  }));
}

/** Runs values through a TransformStream and collects the output. */
export async function pipe<I, O>(transform: TransformStream<I, O>, inputs: readonly I[]): Promise<O[]> {
  const source = new ReadableStream<I>({
    start(controller) {
      for (const input of inputs) controller.enqueue(input);
      controller.close();
    },
  });
  const outputs: O[] = [];
  const reader = source.pipeThrough(transform).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) outputs.push(next.value);
  return outputs;
}

export interface Frame {
  event?: string;
  data: Record<string, any>;
}

/** Encoded SSE text → frames, through a real SSE parser (comments such as keep-alives are skipped). */
export async function parseFrames(chunks: readonly string[]): Promise<Frame[]> {
  const events = await pipe(new EventSourceParserStream() as unknown as TransformStream<string, SseEvent>, chunks);
  return events.map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
}

/** The canonical stream contract: response-start first, start/end pairs, one finish or error last. */
export function streamProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  if (events[0]?.type !== "response-start") problems.push("does not begin with response-start");
  const open = new Set<number>();
  const seen = new Set<number>();
  events.forEach((event, position) => {
    if (event.type === "text-start" || event.type === "reasoning-start" || event.type === "tool-input-start") {
      if (seen.has(event.index)) problems.push(`index ${event.index} started twice`);
      seen.add(event.index);
      open.add(event.index);
    } else if (event.type === "text-end" || event.type === "reasoning-end" || event.type === "tool-input-end") {
      if (!open.delete(event.index)) problems.push(`index ${event.index} ended without being open`);
    } else if (event.type === "text-delta" || event.type === "reasoning-delta" || event.type === "tool-input-delta") {
      if (!open.has(event.index)) problems.push(`delta for index ${event.index} outside its block`);
    } else if (event.type === "finish" || event.type === "error") {
      if (position !== events.length - 1) problems.push(`${event.type} is not last`);
      if (event.type === "finish" && open.size > 0) problems.push(`finish with open blocks ${[...open].join(",")}`);
    }
  });
  const terminal = events.filter((event) => event.type === "finish" || event.type === "error");
  if (terminal.length !== 1) problems.push(`${terminal.length} terminal events`);
  return problems;
}

/** Reads one capture from /work/shared/captures. */
export async function capture(name: string): Promise<JsonObject> {
  return (await Bun.file(`/work/shared/captures/${name}.json`).json()) as JsonObject;
}
