import type { StreamEvent } from "../../core/canonical.ts";

type BlockEvent = Extract<StreamEvent, { index: number }>;
const PHASE = /-(?=start$|delta$|end$)/;

/**
 * The canonical stream grammar (core/canonical.ts, StreamEvent), as a list of the problems found
 * (empty when the stream is well formed): `response-start` first and once; each block index opened
 * once, its deltas and its end inside it and of its kind; no block open at `finish`; exactly one
 * terminal `finish` or `error`, last. An error may cut blocks short, and a lone error is a stream
 * that failed before it began; `usage` may come anywhere before the end.
 */
export function streamProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  const loneError = events.length === 1 && events[0].type === "error";
  if (events[0]?.type !== "response-start" && !loneError) problems.push("does not begin with response-start");
  const open = new Map<number, string>();
  const seen = new Set<number>();
  events.forEach((event, position) => {
    if (event.type === "response-start") {
      if (position > 0) problems.push(`response-start again at ${position}`);
    } else if (event.type === "finish" || event.type === "error") {
      if (position !== events.length - 1) problems.push(`${event.type} at ${position} is not last`);
      if (event.type === "finish" && open.size > 0) problems.push(`finish with open blocks ${[...open.keys()].join(",")}`);
    } else if (event.type !== "usage") {
      blockProblem(event, open, seen, problems);
    }
  });
  const terminal = events.filter((event) => event.type === "finish" || event.type === "error").length;
  if (terminal !== 1) problems.push(`${terminal} terminal events (finish or error), expected 1`);
  return problems;
}

function blockProblem(event: BlockEvent, open: Map<number, string>, seen: Set<number>, problems: string[]): void {
  const [kind, phase] = event.type.split(PHASE);
  if (phase === "start") {
    if (seen.has(event.index)) problems.push(`block ${event.index} opened twice`);
    seen.add(event.index);
    open.set(event.index, kind);
  } else if (open.get(event.index) !== kind) {
    problems.push(`${event.type} for block ${event.index}, which is not an open ${kind} block`);
  } else if (phase === "end") {
    open.delete(event.index);
  }
}
