/** SSE text ⇄ frames, through eventsource-parser (the parser the gateway itself uses). */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { SseEvent } from "../../core/wire-protocol.ts";
import type { Json, JsonFrame } from "./json.ts";
import { pipe } from "./pipe.ts";

/** SSE text (whole or in chunks) → its events; comments such as keep-alives are skipped. */
export async function parseSse(text: string | readonly string[]): Promise<SseEvent[]> {
  const messages = await pipe(new EventSourceParserStream(), typeof text === "string" ? [text] : text);
  return messages.map(({ event, data }) => ({ event, data }));
}

/** SSE text → its events with the data parsed as JSON (throws on data that is not JSON, such as `[DONE]`). */
export async function parseSseJson<T = Json>(text: string | readonly string[]): Promise<Array<JsonFrame<T>>> {
  return toJsonFrames<T>(await parseSse(text));
}

export function toJsonFrames<T = Json>(events: readonly SseEvent[]): Array<JsonFrame<T>> {
  return events.map(({ event, data }) => ({ event, data: JSON.parse(data) as T }));
}

/** Frames → SSE text, the way an upstream writes them (`event:` line only when the frame has a name). */
export function sseText(frames: readonly SseEvent[]): string {
  return frames.map(({ event, data }) => `${event === undefined ? "" : `event: ${event}\n`}data: ${data}\n\n`).join("");
}
