/** Reading an HTTP answer's streamed body: SSE events, decoded canonical events, NDJSON lines. */
import { createParser } from "eventsource-parser";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { StreamEvent } from "../../core/canonical.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import type { Json, JsonFrame } from "./json.ts";
import { toJsonFrames } from "./sse.ts";

type Body = Response | ReadableStream<Uint8Array>;

function bodyOf(source: Body): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (!source.body) throw new Error(`the answer (${source.status}) has no body`);
  return source.body;
}

/** A streamed body → its SSE events, as they arrive. */
export function sseEvents(source: Body): ReadableStream<SseEvent> {
  return bodyOf(source)
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream());
}

/**
 * Every SSE event of a body, and the error if the stream broke (a cut connection, a fault):
 * what arrived before the break is kept. With `count`, stops (and cancels the body) after that many.
 * The bytes are parsed as they are read, so no event parsed before a break is lost in a pipe's queue.
 */
export async function readSse(source: Body, options: { count?: number } = {}): Promise<{ frames: SseEvent[]; error?: unknown }> {
  const frames: SseEvent[] = [];
  const parser = createParser({ onEvent: ({ event, data }) => frames.push({ event, data }) });
  const decoder = new TextDecoder();
  const reader = bodyOf(source).getReader();
  const enough = () => options.count !== undefined && frames.length >= options.count;
  try {
    while (!enough()) {
      const next = await reader.read();
      if (next.done) {
        parser.feed(decoder.decode());
        return { frames };
      }
      parser.feed(decoder.decode(next.value, { stream: true }));
    }
    await reader.cancel();
    return { frames: frames.slice(0, options.count) };
  } catch (error) {
    return { frames, error };
  }
}

/** Like readSse, with only each event's data (`[DONE]` included). */
export async function readSseData(source: Body): Promise<{ data: string[]; error?: unknown }> {
  const { frames, error } = await readSse(source);
  return { data: frames.map((frame) => frame.data), error };
}

/** Like readSse, with every event's data parsed as JSON. */
export async function readSseJson<T = Json>(source: Body): Promise<{ frames: Array<JsonFrame<T>>; error?: unknown }> {
  const { frames, error } = await readSse(source);
  return { frames: toJsonFrames<T>(frames), error };
}

/**
 * A streamed SSE body through a protocol's decodeStream → canonical events. A broken connection
 * rejects, unless `keepOnBreak`: then what was decoded before the break is returned.
 */
export async function decodeSse(
  source: Body,
  decoder: TransformStream<SseEvent, StreamEvent>,
  options: { keepOnBreak?: boolean } = {},
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const reader = sseEvents(source).pipeThrough(decoder).getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) events.push(next.value);
  } catch (error) {
    if (!options.keepOnBreak) throw error;
  }
  return events;
}

/** A streamed NDJSON body → one parsed value per line, as each line arrives. */
export async function* ndjsonLines<T = Json>(source: Body): AsyncGenerator<T> {
  const reader = bodyOf(source)
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .getReader();
  let buffered = "";
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    buffered += next.value;
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== "") yield JSON.parse(line) as T;
    }
  }
  if (buffered.trim() !== "") yield JSON.parse(buffered) as T;
}
