/** Helpers shared by this protocol's tests (not used by the gateway itself). */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";

export function canonicalRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: "claude-sonnet-4-5", system: [], messages: [], tools: [], stream: false, extras: {}, ...overrides };
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

export interface ParsedFrame {
  event?: string;
  data: Record<string, any>;
}

/** Encoded SSE text → parsed frames, through a real SSE parser. */
export async function parseFrames(text: string): Promise<ParsedFrame[]> {
  const frames = await pipe(new EventSourceParserStream(), [text]);
  return frames.map((frame) => ({ event: frame.event, data: JSON.parse(frame.data) }));
}

/** Checks the canonical stream contract: one response-start first, start/end pairs, one terminal event last. */
export function assertWellFormed(events: StreamEvent[]): string[] {
  const problems: string[] = [];
  if (events[0]?.type !== "response-start" && events[0]?.type !== "error") problems.push("does not begin with response-start");
  const open = new Set<number>();
  const closed = new Set<number>();
  events.forEach((event, position) => {
    if (event.type.endsWith("-start") && event.type !== "response-start" && "index" in event) {
      if (open.has(event.index) || closed.has(event.index)) problems.push(`index ${event.index} started twice`);
      open.add(event.index);
    } else if (event.type.endsWith("-end") && "index" in event) {
      if (!open.delete(event.index)) problems.push(`index ${event.index} ended without start`);
      closed.add(event.index);
    } else if ("index" in event && !open.has(event.index)) {
      problems.push(`${event.type} for index ${event.index} outside its block`);
    }
    const terminal = event.type === "finish" || event.type === "error";
    if (terminal && position !== events.length - 1) problems.push(`${event.type} is not last`);
  });
  if (open.size > 0) problems.push(`blocks left open: ${[...open].join(",")}`);
  const last = events.at(-1)?.type;
  if (last !== "finish" && last !== "error") problems.push("does not end with finish or error");
  return problems;
}

/** Checks Anthropic's stream grammar; returns the problems found. */
export function assertAnthropicGrammar(frames: ParsedFrame[], options: { endsWithError?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const frame of frames) if (frame.event !== frame.data.type) problems.push(`event ${frame.event} != type ${frame.data.type}`);
  const types = frames.map((frame) => frame.data.type).filter((type) => type !== "ping");
  let openIndex: number | undefined;
  let expectedIndex = 0;
  let sawMessageStart = false;
  let sawMessageDelta = false;
  for (const frame of frames) {
    const data = frame.data;
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

/** Rebuilds the final Message from Anthropic stream frames, the way the SDKs accumulate it. */
export function accumulate(frames: ParsedFrame[]): { message: Record<string, any>; content: Array<Record<string, any>> } {
  let message: Record<string, any> = {};
  const content: Array<Record<string, any>> = [];
  const json: Record<number, string> = {};
  for (const { data } of frames) {
    switch (data.type) {
      case "message_start":
        message = structuredClone(data.message);
        break;
      case "content_block_start":
        content[data.index] = structuredClone(data.content_block);
        break;
      case "content_block_delta": {
        const block = content[data.index];
        const delta = data.delta;
        if (delta.type === "text_delta") block.text += delta.text;
        if (delta.type === "thinking_delta") block.thinking += delta.thinking;
        if (delta.type === "signature_delta") block.signature = delta.signature;
        if (delta.type === "input_json_delta") json[data.index] = (json[data.index] ?? "") + delta.partial_json;
        break;
      }
      case "content_block_stop":
        if (content[data.index].type === "tool_use") content[data.index].input = JSON.parse(json[data.index] || "{}");
        break;
      case "message_delta":
        Object.assign(message, data.delta);
        message.usage = { ...message.usage, ...data.usage };
        break;
    }
  }
  message.content = content;
  return { message, content };
}
