/**
 * Anthropic Messages responder (`POST /v1/messages`, `POST /v1/messages/count_tokens`).
 *
 * Auth: `x-api-key` or `Authorization: Bearer` (anthropic-errors.ts). Like Anthropic, a
 * request without `max_tokens` is a 400. Message text = a string `content`, or the `text` of
 * each text block (blocks joined by a space for the echo); images and documents are accepted
 * and ignored. Prompt tokens count the system prompt, every message's text and tool results'
 * text (text.ts rules). The echo uses the last user message that has text (a turn holding only
 * tool results is skipped). The reply is a tool call instead when the request has client
 * tools, `tool_choice` is not "none", the conversation does not end with a tool result (so an
 * agent loop terminates), and one of: the user text mentions "weather", the `tool` fault is
 * set, `tool_choice` is "any" or names a tool. The call goes to the named tool, else the
 * first one, with the input `{"location":"Paris"}`. Tools with `defer_loading: true` (tool
 * search) are never chosen: Anthropic's model cannot see them until a tool search loads them.
 *
 * Thinking: with the `reasoning` fault, or when the request enables thinking (`enabled` or
 * `adaptive`), the content starts with a thinking block "Thinking about: <user text>" and a
 * signature (thinking text empty with `display: "omitted"`, as Anthropic does). Its words
 * count as output tokens. `max_tokens` below the answer's tokens truncates a text answer
 * with `stop_reason: "max_tokens"`.
 *
 * Streams follow Anthropic's grammar (message_start, ping, content_block_start/delta/stop per
 * block, message_delta with cumulative usage, message_stop). `cut-after=N` drops the
 * connection after the N-th content delta; `error-frame` sends one `error` event.
 */
import { type FaultAnswers, type Faults, jsonAnswer, leadingFaults, pacedStream } from "./faults.ts";
import { anthropicErrorJson, anthropicErrorResponse, rejectBadAnthropicKey } from "./anthropic-errors.ts";
import { isObject, JSON_HEADERS, type JsonObject, SSE_HEADERS } from "./json.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { answerChunks, approxTokens, echoAnswer, loremAnswer, toolInput } from "./text.ts";
import { structuredAnswer } from "./structured.ts";

const ERROR_FRAME = `event: error\ndata: ${anthropicErrorJson("overloaded_error", "Fake upstream fault: error frame")}\n\n`;

interface Thinking {
  /** Delta chunks; empty with `display: "omitted"`. */
  chunks: readonly string[];
  signature: string;
  tokens: number;
}

type Reply = { kind: "text"; chunks: readonly string[] } | { kind: "tool"; id: string; name: string; input: { json: string; fragments: readonly string[] } };

interface Answer {
  id: string;
  model: string;
  promptTokens: number;
  thinking?: Thinking;
  reply: Reply;
  stopReason: "end_turn" | "max_tokens" | "tool_use";
  outputTokens: number;
}

const ANTHROPIC_FAULT_ANSWERS: FaultAnswers = {
  syntaxError: (message) => anthropicErrorResponse(400, message),
  status: (faults) =>
    anthropicErrorResponse(faults.status ?? 500, `Fake upstream fault: status ${faults.status}`, {
      headers: faults.retryAfter === undefined ? undefined : { "retry-after": String(faults.retryAfter) },
    }),
};

export const anthropicRoutes: readonly FakeRoute[] = [
  { method: "POST", paths: ["/v1/messages"], handle: handleMessages },
  { method: "POST", paths: ["/v1/messages/count_tokens"], handle: handleCountTokens },
];

/** Reads the JSON body and the faults; a Response when the request ends here (auth, 400, status fault, hang). */
async function begin(
  request: Request,
  context: FakeRequestContext,
  requireMaxTokens: boolean,
): Promise<Response | { body: JsonObject; messages: unknown[]; model: string; faults: Readonly<Faults> }> {
  const rejected = rejectBadAnthropicKey(request);
  if (rejected) return rejected;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return anthropicErrorResponse(400, "There was an issue with the format of your request: the body is not valid JSON");
  }
  context.recordBody(body);
  if (!isObject(body)) return anthropicErrorResponse(400, "The request body must be a JSON object");
  const { model, messages } = body;
  if (typeof model !== "string" || model === "") return anthropicErrorResponse(400, "model: Field required");
  if (!Array.isArray(messages)) return anthropicErrorResponse(400, "messages: Field required");
  if (requireMaxTokens && typeof body.max_tokens !== "number") return anthropicErrorResponse(400, "max_tokens: Field required");
  const faults = await leadingFaults(request, model, ANTHROPIC_FAULT_ANSWERS, context);
  if (faults instanceof Response) return faults;
  return { body, messages, model, faults };
}

async function handleMessages(request: Request, context: FakeRequestContext): Promise<Response> {
  const begun = await begin(request, context, true);
  if (begun instanceof Response) return begun;
  const { body, messages, model, faults } = begun;
  const stream = body.stream === true;
  if (stream && faults.errorFrame) {
    return new Response(pacedStream({ frames: [ERROR_FRAME], firstContent: 1, contentCount: 0 }, faults, request.signal), {
      headers: SSE_HEADERS,
    });
  }
  const answer = buildAnswer(body, messages, model, faults, context.seq);
  if (stream) {
    const { frames, contentPositions } = streamFrames(answer);
    // cut-after counts content deltas; pacedStream counts frames, so hand it the frame position.
    const paced =
      faults.cutAfter === undefined
        ? faults
        : { ...faults, cutAfter: contentPositions[Math.min(faults.cutAfter, contentPositions.length) - 1] ?? 2 };
    // endless repeats the first content delta.
    const first = contentPositions[0];
    const endless = first === undefined ? undefined : { after: first, frame: frames[first - 1] };
    return new Response(pacedStream({ frames, firstContent: 0, contentCount: frames.length, endless }, paced, request.signal), {
      headers: SSE_HEADERS,
    });
  }
  return jsonAnswer(JSON.stringify(messageObject(answer)), faults);
}

/** `POST /v1/messages/count_tokens`: the input tokens the create call would report. */
async function handleCountTokens(request: Request, context: FakeRequestContext): Promise<Response> {
  const begun = await begin(request, context, false);
  if (begun instanceof Response) return begun;
  const tokens = approxTokens(promptChars(begun.body.system, begun.messages));
  return new Response(JSON.stringify({ input_tokens: tokens }), { headers: JSON_HEADERS });
}

// ---------------------------------------------------------------- the answer

function buildAnswer(body: JsonObject, messages: unknown[], model: string, faults: Readonly<Faults>, seq: number): Answer {
  const userText = lastUserText(messages);
  const thinking = buildThinking(body, faults, userText, seq);
  const thinkingTokens = thinking?.tokens ?? 0;
  const base = { id: `msg_fake${seq}`, model, promptTokens: approxTokens(promptChars(body.system, messages)), thinking };

  const toolName = chooseTool(body, messages, faults, userText);
  if (toolName !== undefined) {
    const reply: Reply = { kind: "tool", id: `toolu_fake${seq}`, name: toolName, input: toolInput(faults.placeArgs, userText) };
    return { ...base, reply, stopReason: "tool_use", outputTokens: thinkingTokens + reply.input.fragments.length };
  }
  let chunks = answerChunks(faults.words === undefined ? (structuredAnswer(body, "anthropic") ?? echoAnswer(userText)) : loremAnswer(faults.words));
  const limit = typeof body.max_tokens === "number" ? body.max_tokens : Number.POSITIVE_INFINITY;
  const truncated = thinkingTokens + chunks.length > limit;
  if (truncated) chunks = chunks.slice(0, Math.max(0, limit - thinkingTokens));
  return {
    ...base,
    reply: { kind: "text", chunks },
    stopReason: truncated ? "max_tokens" : "end_turn",
    outputTokens: thinkingTokens + chunks.length,
  };
}

function buildThinking(body: JsonObject, faults: Readonly<Faults>, userText: string, seq: number): Thinking | undefined {
  const config = isObject(body.thinking) ? body.thinking : undefined;
  const requested = config?.type === "enabled" || config?.type === "adaptive";
  if (!faults.reasoning && !requested) return undefined;
  const thought = `Thinking about:${echoAnswer(userText).slice("Echo:".length)}`;
  const chunks = answerChunks(thought);
  // Anthropic signatures are opaque base64; this one only needs to be recognisably fake and stable.
  const signature = `EqFakeSig${Buffer.from(JSON.stringify({ seq, thought })).toString("base64")}`;
  return { chunks: config?.display === "omitted" ? [] : chunks, signature, tokens: chunks.length };
}

function chooseTool(body: JsonObject, messages: unknown[], faults: Readonly<Faults>, userText: string): string | undefined {
  const names = clientToolNames(body.tools);
  const choice = isObject(body.tool_choice) ? body.tool_choice : {};
  if (names.length === 0 || choice.type === "none" || endsWithToolResult(messages)) return undefined;
  if (choice.type === "tool" && typeof choice.name === "string") return choice.name;
  if (choice.type === "any" || faults.tool || userText.toLowerCase().includes("weather")) return names[0];
  return undefined;
}

/**
 * Client tools only: versioned server tools (`web_search_20250305` …) are run by Anthropic, not
 * the client, and deferred tools (`defer_loading: true`) are hidden until a tool search.
 */
function clientToolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools) {
    if (!isObject(tool) || typeof tool.name !== "string" || tool.defer_loading === true) continue;
    if (tool.type === undefined || tool.type === "custom") names.push(tool.name);
  }
  return names;
}

function endsWithToolResult(messages: unknown[]): boolean {
  const last = messages.at(-1);
  return isObject(last) && Array.isArray(last.content) && last.content.some((block) => isObject(block) && block.type === "tool_result");
}

function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (!isObject(message) || message.role !== "user") continue;
    const texts = textsOf(message.content);
    if (texts.length > 0) return texts.join(" ");
  }
  return "";
}

function textsOf(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  const texts: string[] = [];
  for (const block of content) if (isObject(block) && block.type === "text" && typeof block.text === "string") texts.push(block.text);
  return texts;
}

function promptChars(system: unknown, messages: readonly unknown[]): number {
  let chars = 0;
  for (const text of textsOf(system)) chars += text.length;
  for (const message of messages) {
    if (!isObject(message)) continue;
    for (const text of textsOf(message.content)) chars += text.length;
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (isObject(block) && block.type === "tool_result") for (const text of textsOf(block.content)) chars += text.length;
    }
  }
  return chars;
}

// ---------------------------------------------------------------- wire shapes

function usageObject(answer: Answer): JsonObject {
  return {
    input_tokens: answer.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: answer.outputTokens,
    service_tier: "standard",
  };
}

function messageObject(answer: Answer): JsonObject {
  const content: JsonObject[] = [];
  if (answer.thinking) content.push({ type: "thinking", thinking: answer.thinking.chunks.join(""), signature: answer.thinking.signature });
  const { reply } = answer;
  if (reply.kind === "text") content.push({ type: "text", text: reply.chunks.join("") });
  else content.push({ type: "tool_use", id: reply.id, name: reply.name, input: JSON.parse(reply.input.json) as JsonObject });
  return {
    id: answer.id,
    type: "message",
    role: "assistant",
    model: answer.model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: usageObject(answer),
  };
}

function frame(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

/**
 * All frames of the stream; `contentPositions[n]` is the frame count up to and including the
 * (n+1)-th content delta, for `cut-after`. Delta frames are string templates: only the chunk
 * is serialized, which keeps the fake cheap as a benchmark baseline.
 */
function streamFrames(answer: Answer): { frames: string[]; contentPositions: number[] } {
  const frames: string[] = [];
  const contentPositions: number[] = [];
  const start = {
    type: "message_start",
    message: { ...messageObject(answer), content: [], stop_reason: null, usage: { ...usageObject(answer), output_tokens: 1 } },
  };
  frames.push(frame("message_start", JSON.stringify(start)));
  frames.push(frame("ping", '{"type":"ping"}'));

  let index = 0;
  const block = (contentBlock: JsonObject, deltas: string[], closing: string[] = []) => {
    frames.push(frame("content_block_start", JSON.stringify({ type: "content_block_start", index, content_block: contentBlock })));
    const head = `{"type":"content_block_delta","index":${index},"delta":`;
    for (const delta of deltas) {
      frames.push(frame("content_block_delta", `${head}${delta}}`));
      contentPositions.push(frames.length);
    }
    for (const delta of closing) frames.push(frame("content_block_delta", `${head}${delta}}`));
    frames.push(frame("content_block_stop", `{"type":"content_block_stop","index":${index}}`));
    index++;
  };

  const { thinking, reply } = answer;
  if (thinking) {
    block(
      { type: "thinking", thinking: "", signature: "" },
      thinking.chunks.map((chunk) => `{"type":"thinking_delta","thinking":${JSON.stringify(chunk)}}`),
      [`{"type":"signature_delta","signature":${JSON.stringify(thinking.signature)}}`],
    );
  }
  if (reply.kind === "text") {
    block({ type: "text", text: "" }, reply.chunks.map((chunk) => `{"type":"text_delta","text":${JSON.stringify(chunk)}}`));
  } else {
    block(
      { type: "tool_use", id: reply.id, name: reply.name, input: {} },
      reply.input.fragments.map((fragment) => `{"type":"input_json_delta","partial_json":${JSON.stringify(fragment)}}`),
    );
  }
  const { service_tier: _tier, ...usage } = usageObject(answer);
  const delta = { type: "message_delta", delta: { stop_reason: answer.stopReason, stop_sequence: null }, usage };
  frames.push(frame("message_delta", JSON.stringify(delta)));
  frames.push(frame("message_stop", '{"type":"message_stop"}'));
  return { frames, contentPositions };
}
