import type { StreamEvent } from "../../../core/canonical.ts";

/** Pushes every input through a TransformStream and collects what comes out (flush included). */
export async function runStream<I, O>(stream: TransformStream<I, O>, inputs: readonly I[]): Promise<O[]> {
  const outputs: O[] = [];
  const reader = stream.readable.getReader();
  const reading = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) outputs.push(next.value);
  })();
  const writer = stream.writable.getWriter();
  for (const input of inputs) await writer.write(input);
  await writer.close();
  await reading;
  return outputs;
}

/**
 * Asserts the canonical stream grammar and returns a description of the first violation
 * (undefined when the stream is well formed): `response-start` first; each block index opened
 * once, its deltas inside, closed before `finish`; exactly one terminal `finish` or `error`, last.
 */
export function grammarViolation(events: readonly StreamEvent[]): string | undefined {
  if (events[0]?.type !== "response-start") return "the first event is not response-start";
  const open = new Map<number, string>();
  const seen = new Set<number>();
  for (let position = 1; position < events.length; position++) {
    const event = events[position];
    const last = position === events.length - 1;
    if (event.type === "response-start") return `response-start again at ${position}`;
    if (event.type === "finish" || event.type === "error") {
      if (!last) return `${event.type} at ${position} is not the last event`;
      if (event.type === "finish" && open.size > 0) return `finish with open blocks ${[...open.keys()]}`;
      continue;
    }
    if (event.type === "usage") continue;
    const [kind, phase] = event.type.split(/-(?=start$|delta$|end$)/);
    const { index } = event;
    if (phase === "start") {
      if (seen.has(index)) return `block ${index} opened twice`;
      seen.add(index);
      open.set(index, kind);
    } else if (open.get(index) !== kind) {
      return `${event.type} for block ${index} which is not an open ${kind} block`;
    } else if (phase === "end") {
      open.delete(index);
    }
  }
  const terminal = events.at(-1)?.type;
  if (terminal !== "finish" && terminal !== "error") return "the stream has no finish or error event";
  return undefined;
}
