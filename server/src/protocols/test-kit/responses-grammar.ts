import type { JsonFrame } from "./json.ts";

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/**
 * The OpenAI Responses stream grammar, as the problems found: each event named after its data's
 * type with sequence numbers from 0; response.created then response.in_progress; output items
 * added in index order and done once, their events inside them, done as completed (or incomplete,
 * as OpenAI sends in a response.incomplete stream); exactly one terminal event, last.
 */
export function responsesStreamProblems(frames: readonly JsonFrame[]): string[] {
  const problems: string[] = [];
  frames.forEach((frame, position) => {
    if (frame.event !== frame.data.type) problems.push(`event ${frame.event} ≠ type ${frame.data.type}`);
    if (frame.data.sequence_number !== position) problems.push(`sequence ${frame.data.sequence_number} at ${position}`);
  });
  if (frames[0]?.data.type !== "response.created") problems.push("first is not response.created");
  if (frames[1]?.data.type !== "response.in_progress") problems.push("second is not response.in_progress");
  const terminal = frames.filter((frame) => TERMINAL.has(frame.data.type));
  if (terminal.length !== 1 || !TERMINAL.has(frames.at(-1)?.data.type)) problems.push("not exactly one terminal event, last");
  const incomplete = frames.at(-1)?.data.type === "response.incomplete";
  const items = new Map<number, { type: string; done: boolean; id: string }>();
  for (const { data } of frames) {
    if (data.type === "response.output_item.added") {
      if (items.has(data.output_index)) problems.push(`output ${data.output_index} added twice`);
      items.set(data.output_index, { type: data.item.type, done: false, id: data.item.id });
      if (data.output_index !== items.size - 1) problems.push(`output index ${data.output_index} out of order`);
    } else if (data.type === "response.output_item.done") {
      const item = items.get(data.output_index);
      if (!item || item.done) problems.push(`output ${data.output_index} done without being open`);
      else item.done = true;
      const status = data.item.status;
      if (status !== undefined && status !== "completed" && !(incomplete && status === "incomplete")) problems.push(`done item status ${status}`);
    } else if ("item_id" in data) {
      const item = items.get(data.output_index);
      if (!item || item.done || item.id !== data.item_id) problems.push(`${data.type} outside its item`);
    }
  }
  return problems;
}
