import type { ExchangeAnswer, ExchangeUsage } from "./exchange-types.ts";
import { count, isRecord, list, parseJson, record, text, type JsonRecord } from "./json-read.ts";

/**
 * The answer in a captured response body, assembled for people: a whole JSON response, or a
 * stream of any of the four wire formats (OpenAI chat SSE, Responses SSE, Anthropic SSE, Gemini
 * SSE or JSON array). Captures hold either SSE frames (`event:`/`data:` lines) or just the data
 * of each event, one per line, and may be cut off at the capture limit: what parses is used.
 * Undefined when the body is none of these.
 */
export function readAnswer(body: string): ExchangeAnswer | undefined {
  const whole = parseJson(body.trim());
  if (isRecord(whole)) return readWhole(whole);
  const events = Array.isArray(whole) ? whole.filter(isRecord) : streamEvents(body);
  if (events.length === 0) return undefined;
  const assemble = ASSEMBLERS.find((assembler) => events.some(assembler.claims));
  if (!assemble) return undefined;
  const answer = emptyAnswer(true, events.length);
  assemble.read(events, answer);
  return answer;
}

/** The JSON events of a stream capture, in order (unparsable lines, such as a cut-off last one, are skipped). */
export function streamEvents(body: string): JsonRecord[] {
  const events: JsonRecord[] = [];
  for (const raw of body.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith(":") || /^(event|id|retry):/.test(line)) continue;
    if (line.startsWith("data:")) line = line.slice(5).trim();
    // A Gemini JSON-array stream: `[{…}`, `,{…}`, `]`.
    line = line.replace(/^[[,]\s*/, "").replace(/[\],]\s*$/, "");
    if (!line || line === "[DONE]") continue;
    const event = parseJson(line);
    if (isRecord(event)) events.push(event);
  }
  return events;
}

function emptyAnswer(streamed: boolean, events: number): ExchangeAnswer {
  return { streamed, events, text: "", reasoning: "", toolCalls: [] };
}

interface Assembler {
  /** Whether an event is this format's. */
  claims(event: JsonRecord): boolean;
  read(events: JsonRecord[], answer: ExchangeAnswer): void;
}

const RESPONSES_EVENT = /^response\./;
const ANTHROPIC_EVENTS = new Set(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);

const ASSEMBLERS: Assembler[] = [
  {
    // OpenAI Responses: typed `response.*` events.
    claims: (event) => RESPONSES_EVENT.test(text(event.type) ?? ""),
    read(events, answer) {
      const calls = new Map<string, { name: string; id?: string; arguments: string }>();
      for (const event of events) {
        const type = text(event.type) ?? "";
        if (type === "response.output_text.delta" || type === "response.refusal.delta") answer.text += text(event.delta) ?? "";
        else if (type === "response.reasoning_summary_text.delta" || type === "response.reasoning_text.delta") answer.reasoning += text(event.delta) ?? "";
        else if (type === "response.output_item.added") {
          const item = record(event.item);
          if (item.type === "function_call" || item.type === "custom_tool_call") {
            calls.set(text(item.id) ?? String(calls.size), { name: text(item.name) ?? "?", id: text(item.call_id), arguments: text(item.arguments) ?? text(item.input) ?? "" });
          }
        } else if (type === "response.function_call_arguments.delta" || type === "response.custom_tool_call_input.delta") {
          const call = calls.get(text(event.item_id) ?? "");
          if (call) call.arguments += text(event.delta) ?? "";
        } else if (type === "response.output_item.done") {
          const item = record(event.item);
          const call = calls.get(text(item.id) ?? "");
          if (call && (text(item.arguments) ?? text(item.input))) call.arguments = text(item.arguments) ?? text(item.input)!;
        } else if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") {
          const response = record(event.response);
          answer.usage = responsesUsage(response.usage) ?? answer.usage;
          answer.finishReason = text(record(response.incomplete_details).reason) ?? text(response.status);
          const failure = text(record(response.error).message);
          if (failure) answer.error = failure;
        } else if (type === "error") answer.error = text(event.message) ?? text(record(event.error).message) ?? "error";
      }
      answer.toolCalls = [...calls.values()];
    },
  },
  {
    // Anthropic Messages: message_start, content blocks by index, message_delta.
    claims: (event) => ANTHROPIC_EVENTS.has(text(event.type) ?? ""),
    read(events, answer) {
      const blocks = new Map<number, { kind: string; name?: string; id?: string; input: string }>();
      const usage: ExchangeUsage = {};
      for (const event of events) {
        const type = text(event.type);
        if (type === "message_start") Object.assign(usage, anthropicUsage(record(event.message).usage));
        else if (type === "content_block_start") {
          const block = record(event.content_block);
          const kind = text(block.type) ?? "text";
          blocks.set(count(event.index) ?? blocks.size, { kind, name: text(block.name), id: text(block.id), input: "" });
          if (kind === "text") answer.text += text(block.text) ?? "";
        } else if (type === "content_block_delta") {
          const delta = record(event.delta);
          const block = blocks.get(count(event.index) ?? -1);
          if (delta.type === "text_delta") answer.text += text(delta.text) ?? "";
          else if (delta.type === "thinking_delta") answer.reasoning += text(delta.thinking) ?? "";
          else if (delta.type === "input_json_delta" && block) block.input += text(delta.partial_json) ?? "";
        } else if (type === "message_delta") {
          answer.finishReason = text(record(event.delta).stop_reason) ?? answer.finishReason;
          Object.assign(usage, definedOnly(anthropicUsage(event.usage)));
        } else if (type === "error") answer.error = text(record(event.error).message) ?? "error";
      }
      answer.toolCalls = [...blocks.values()].filter((block) => block.kind === "tool_use" || block.kind === "server_tool_use").map((block) => ({ name: block.name ?? "?", id: block.id, arguments: block.input || "{}" }));
      if (Object.keys(usage).length > 0) answer.usage = withTotal(usage);
    },
  },
  {
    // OpenAI Chat Completions: chunks with choices[].delta, usage in the last one.
    claims: (event) => event.object === "chat.completion.chunk" || list(event.choices).some((choice) => isRecord(record(choice).delta)),
    read(events, answer) {
      const calls = new Map<number, { name: string; id?: string; arguments: string }>();
      for (const event of events) {
        if (isRecord(event.error)) answer.error = text(event.error.message) ?? "error";
        answer.usage = chatUsage(event.usage) ?? answer.usage;
        for (const entry of list(event.choices)) {
          const choice = record(entry);
          const delta = record(choice.delta);
          answer.text += text(delta.content) ?? "";
          answer.reasoning += text(delta.reasoning_content) ?? text(delta.reasoning) ?? "";
          for (const entryCall of list(delta.tool_calls)) {
            const call = record(entryCall);
            const fn = record(call.function);
            const index = count(call.index) ?? calls.size;
            const known = calls.get(index);
            if (known) known.arguments += text(fn.arguments) ?? "";
            else calls.set(index, { name: text(fn.name) ?? "?", id: text(call.id), arguments: text(fn.arguments) ?? "" });
          }
          answer.finishReason = text(choice.finish_reason) ?? answer.finishReason;
        }
      }
      answer.toolCalls = [...calls.values()];
    },
  },
  {
    // Gemini: chunks with candidates[].content.parts, usageMetadata.
    claims: (event) => Array.isArray(event.candidates) || isRecord(event.usageMetadata),
    read(events, answer) {
      for (const event of events) readGeminiChunk(event, answer);
    },
  },
];

/** A whole (non-streamed) response of any of the four protocols, or an error envelope. */
function readWhole(body: JsonRecord): ExchangeAnswer | undefined {
  const answer = emptyAnswer(false, 0);
  if (isRecord(body.error) && !Array.isArray(body.choices)) {
    answer.error = text(body.error.message) ?? JSON.stringify(body.error);
    return answer;
  }
  if (Array.isArray(body.choices)) {
    const choice = record(body.choices[0]);
    const message = record(choice.message);
    answer.text = text(message.content) ?? "";
    answer.reasoning = text(message.reasoning_content) ?? text(message.reasoning) ?? "";
    answer.toolCalls = list(message.tool_calls).map((entry) => {
      const fn = record(record(entry).function);
      return { name: text(fn.name) ?? "?", id: text(record(entry).id), arguments: text(fn.arguments) ?? "" };
    });
    answer.finishReason = text(choice.finish_reason);
    answer.usage = chatUsage(body.usage);
    return answer;
  }
  if (body.type === "message" && Array.isArray(body.content)) {
    for (const entry of body.content) {
      const block = record(entry);
      if (block.type === "text") answer.text += text(block.text) ?? "";
      else if (block.type === "thinking") answer.reasoning += text(block.thinking) ?? "";
      else if (block.type === "tool_use") answer.toolCalls.push({ name: text(block.name) ?? "?", id: text(block.id), arguments: JSON.stringify(block.input ?? {}) });
    }
    answer.finishReason = text(body.stop_reason);
    answer.usage = withTotal(anthropicUsage(body.usage));
    return answer;
  }
  if (Array.isArray(body.output) || body.object === "response") {
    for (const entry of list(body.output)) {
      const item = record(entry);
      if (item.type === "message") for (const part of list(item.content)) answer.text += text(record(part).text) ?? "";
      else if (item.type === "reasoning") answer.reasoning += list(item.summary).map((part) => text(record(part).text) ?? "").join("\n");
      else if (item.type === "function_call" || item.type === "custom_tool_call") {
        answer.toolCalls.push({ name: text(item.name) ?? "?", id: text(item.call_id), arguments: text(item.arguments) ?? text(item.input) ?? "" });
      }
    }
    answer.finishReason = text(record(body.incomplete_details).reason) ?? text(body.status);
    answer.usage = responsesUsage(body.usage);
    return answer;
  }
  if (Array.isArray(body.candidates) || isRecord(body.usageMetadata)) {
    readGeminiChunk(body, answer);
    return answer;
  }
  return undefined;
}

function readGeminiChunk(chunk: JsonRecord, answer: ExchangeAnswer) {
  if (isRecord(chunk.error)) answer.error = text(chunk.error.message) ?? "error";
  const candidate = record(list(chunk.candidates)[0]);
  for (const entry of list(record(candidate.content).parts)) {
    const part = record(entry);
    if (typeof part.text === "string") {
      if (part.thought === true) answer.reasoning += part.text;
      else answer.text += part.text;
    }
    if (isRecord(part.functionCall)) answer.toolCalls.push({ name: text(part.functionCall.name) ?? "?", id: text(part.functionCall.id), arguments: JSON.stringify(part.functionCall.args ?? {}) });
  }
  answer.finishReason = text(candidate.finishReason) ?? answer.finishReason;
  const usage = record(chunk.usageMetadata);
  if (Object.keys(usage).length > 0) {
    answer.usage = definedOnly({
      input: count(usage.promptTokenCount),
      output: count(usage.candidatesTokenCount),
      cached: count(usage.cachedContentTokenCount),
      reasoning: count(usage.thoughtsTokenCount),
      total: count(usage.totalTokenCount),
    });
  }
}

function chatUsage(value: unknown): ExchangeUsage | undefined {
  if (!isRecord(value)) return undefined;
  return definedOnly({
    input: count(value.prompt_tokens),
    output: count(value.completion_tokens),
    cached: count(record(value.prompt_tokens_details).cached_tokens),
    reasoning: count(record(value.completion_tokens_details).reasoning_tokens),
    total: count(value.total_tokens),
  });
}

function responsesUsage(value: unknown): ExchangeUsage | undefined {
  if (!isRecord(value)) return undefined;
  return definedOnly({
    input: count(value.input_tokens),
    output: count(value.output_tokens),
    cached: count(record(value.input_tokens_details).cached_tokens),
    reasoning: count(record(value.output_tokens_details).reasoning_tokens),
    total: count(value.total_tokens),
  });
}

/** Anthropic counts cache reads and writes apart from `input_tokens`: input is their sum. */
function anthropicUsage(value: unknown): ExchangeUsage {
  const usage = record(value);
  const input = count(usage.input_tokens);
  const cached = count(usage.cache_read_input_tokens);
  const written = count(usage.cache_creation_input_tokens);
  const total = input === undefined && cached === undefined && written === undefined ? undefined : (input ?? 0) + (cached ?? 0) + (written ?? 0);
  return { input: total, output: count(usage.output_tokens), cached };
}

function withTotal(usage: ExchangeUsage): ExchangeUsage {
  const defined = definedOnly(usage);
  if (defined.total === undefined && (defined.input !== undefined || defined.output !== undefined)) defined.total = (defined.input ?? 0) + (defined.output ?? 0);
  return defined;
}

function definedOnly(usage: ExchangeUsage): ExchangeUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined)) as ExchangeUsage;
}
