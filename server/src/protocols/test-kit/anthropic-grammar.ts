import type { JsonFrame } from "./json.ts";

/**
 * Anthropic's Messages stream grammar, as the problems found: each event named after its data's
 * type; message_start first; content blocks one at a time with consecutive indexes; message_delta
 * right before message_stop. With `endsWithError`: an error event last, no message_stop, no block left open.
 */
export function anthropicStreamProblems(frames: readonly JsonFrame[], options: { endsWithError?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const frame of frames) if (frame.event !== frame.data.type) problems.push(`event ${frame.event} != type ${frame.data.type}`);
  const types = frames.map((frame) => frame.data.type).filter((type) => type !== "ping");
  let openIndex: number | undefined;
  let expectedIndex = 0;
  let sawMessageStart = false;
  let sawMessageDelta = false;
  for (const { data } of frames) {
    switch (data.type) {
      case "message_start":
        if (sawMessageStart) problems.push("two message_start");
        sawMessageStart = true;
        break;
      case "content_block_start":
        if (!sawMessageStart) problems.push("block before message_start");
        if (openIndex !== undefined) problems.push(`block ${data.index} starts while ${openIndex} is open`);
        if (data.index !== expectedIndex) problems.push(`block index ${data.index}, expected ${expectedIndex}`);
        openIndex = data.index;
        expectedIndex++;
        break;
      case "content_block_delta":
        if (data.index !== openIndex) problems.push(`delta for ${data.index} while ${openIndex} is open`);
        break;
      case "content_block_stop":
        if (data.index !== openIndex) problems.push(`stop for ${data.index} while ${openIndex} is open`);
        openIndex = undefined;
        break;
      case "message_delta":
        if (openIndex !== undefined) problems.push("message_delta with an open block");
        sawMessageDelta = true;
        break;
    }
  }
  if (options.endsWithError) {
    if (types.at(-1) !== "error") problems.push("does not end with error");
    if (types.includes("message_stop")) problems.push("message_stop after an error");
    if (openIndex !== undefined) problems.push("block left open before the error");
  } else {
    if (types[0] !== "message_start") problems.push("does not begin with message_start");
    if (types.at(-1) !== "message_stop") problems.push("does not end with message_stop");
    if (!sawMessageDelta) problems.push("no message_delta");
    if (types.at(-2) !== "message_delta") problems.push("message_delta is not right before message_stop");
  }
  return problems;
}
