/**
 * OpenAI Chat Completions responder (`POST /v1/chat/completions`).
 *
 * Message text = a string `content`, or the `text` of each content part (parts joined by a
 * space for the echo). The answer and token counts follow text.ts; the reply is a tool call
 * instead when the request has `tools`, `tool_choice` is not "none", the conversation does not
 * end with a `tool` message (so an agent loop terminates), and one of: the last user message
 * mentions "weather", the `tool` fault is set, `tool_choice` is "required" or names a
 * function. The call goes to the named function, else the first tool, with the arguments
 * `{"location":"Paris"}`.
 *
 * Reasoning (`reasoning` fault): the answer is preceded by "Thinking about: <user text>" the
 * DeepSeek / Qwen / vLLM way, as `message.reasoning_content` or streamed word by word as
 * `delta.reasoning_content` before the answer. Its words count as completion tokens and as
 * `completion_tokens_details.reasoning_tokens`; `cut-after` counts them as content chunks.
 */
import {
  FAULT_HEADER,
  FaultSyntaxError,
  type Faults,
  halfBody,
  pacedStream,
  parseFaults,
  type StreamPlan,
  waitForFirstByte,
} from "./faults.ts";
import { rejectBadBearer } from "./openai-auth.ts";
import { openaiErrorJson, openaiErrorResponse } from "./openai-errors.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { answerChunks, approxTokens, echoAnswer, loremAnswer } from "./text.ts";

type JsonObject = Record<string, unknown>;

// Streamed in several pieces so clients must reassemble tool arguments across chunks.
const TOOL_ARGUMENT_FRAGMENTS: readonly string[] = ['{"location"', ':"Par', 'is"}'];
const TOOL_ARGUMENTS = TOOL_ARGUMENT_FRAGMENTS.join("");

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const ERROR_FRAME = `data: ${openaiErrorJson("Fake upstream fault: error frame", "server_error")}\n\n`;

type Reply =
  | { kind: "text"; content: string; chunks: readonly string[] }
  | { kind: "tool"; callId: string; name: string };

interface Completion {
  id: string;
  created: number;
  model: string;
  reply: Reply;
  /** Reasoning text chunks (`reasoning` fault); their count is the reasoning token count. */
  reasoning?: readonly string[];
  promptTokens: number;
  completionTokens: number;
}

export const openaiChatRoutes: readonly FakeRoute[] = [
  { method: "POST", paths: ["/v1/chat/completions", "/chat/completions"], handle: handleChat },
];

async function handleChat(request: Request, context: FakeRequestContext): Promise<Response> {
  const rejected = rejectBadBearer(request);
  if (rejected) return rejected;

  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return openaiErrorResponse(400, "We could not parse the JSON body of your request.");
  }
  context.recordBody(body);
  if (!isObject(body)) return openaiErrorResponse(400, "The request body must be a JSON object.");
  const { model, messages } = body;
  if (typeof model !== "string" || model === "") {
    return openaiErrorResponse(400, "You must provide a model parameter.", { param: "model" });
  }
  if (!Array.isArray(messages)) return openaiErrorResponse(400, "'messages' is a required property", { param: "messages" });

  let faults: Readonly<Faults>;
  try {
    faults = parseFaults(request.headers.get(FAULT_HEADER), model);
  } catch (error) {
    if (error instanceof FaultSyntaxError) return openaiErrorResponse(400, error.message);
    throw error;
  }
  // request.signal is only touched when a fault needs it, to keep the plain path lean.
  if ((faults.hang || faults.firstByteDelayMs) && !(await waitForFirstByte(faults, request.signal))) {
    return new Response(null, { status: 499 }); // the client is gone; nobody reads this
  }
  if (faults.status !== undefined) return faultStatusResponse(faults);

  const stream = body.stream === true;
  if (stream && faults.errorFrame) {
    const plan = { frames: [ERROR_FRAME], firstContent: 1, contentCount: 0 };
    return new Response(pacedStream(plan, faults, request.signal), { headers: SSE_HEADERS });
  }

  const completion = buildCompletion(body, model, messages, faults, context.seq);
  if (stream) {
    const plan = streamPlan(completion, includeUsage(body));
    return new Response(pacedStream(plan, faults, request.signal), { headers: SSE_HEADERS });
  }
  const json = JSON.stringify(completionObject(completion));
  if (faults.cutAfter === undefined) return new Response(json, { headers: JSON_HEADERS });
  const { stream: half, fullLength } = halfBody(json);
  return new Response(half, { headers: { ...JSON_HEADERS, "content-length": String(fullLength) } });
}

function faultStatusResponse(faults: Readonly<Faults>): Response {
  const status = faults.status ?? 500;
  return openaiErrorResponse(status, `Fake upstream fault: status ${status}`, {
    code: status === 429 ? "rate_limit_exceeded" : null,
    headers: faults.retryAfter === undefined ? undefined : { "retry-after": String(faults.retryAfter) },
  });
}

function buildCompletion(
  body: JsonObject,
  model: string,
  messages: readonly unknown[],
  faults: Readonly<Faults>,
  seq: number,
): Completion {
  let promptChars = 0;
  let userContent: unknown;
  for (const message of messages) {
    if (!isObject(message)) continue;
    promptChars += textLength(message.content);
    if (message.role === "user") userContent = message.content;
  }
  const userText = joinedText(userContent);
  // Same reasoning text as the other responders: "Thinking about: <echoed user text>".
  const reasoning = faults.reasoning ? answerChunks(`Thinking about:${echoAnswer(userText).slice("Echo:".length)}`) : undefined;
  const reasoningTokens = reasoning?.length ?? 0;
  const base = { id: `chatcmpl-fake${seq}`, created: Math.floor(Date.now() / 1000), model, reasoning, promptTokens: approxTokens(promptChars) };

  const toolName = chooseTool(body, messages, faults, userText);
  if (toolName !== undefined) {
    const reply: Reply = { kind: "tool", callId: `call_fake${seq}`, name: toolName };
    return { ...base, reply, completionTokens: reasoningTokens + TOOL_ARGUMENT_FRAGMENTS.length };
  }
  const content = faults.words === undefined ? echoAnswer(userText) : loremAnswer(faults.words);
  const chunks = answerChunks(content);
  return { ...base, reply: { kind: "text", content, chunks }, completionTokens: reasoningTokens + chunks.length };
}

function chooseTool(body: JsonObject, messages: readonly unknown[], faults: Readonly<Faults>, userText: string): string | undefined {
  const { tools, tool_choice: choice } = body;
  if (!Array.isArray(tools) || tools.length === 0 || choice === "none") return undefined;
  const last = messages.at(-1);
  if (isObject(last) && last.role === "tool") return undefined;
  if (isObject(choice) && isObject(choice.function) && typeof choice.function.name === "string") {
    return choice.function.name;
  }
  if (choice === "required" || faults.tool || userText.toLowerCase().includes("weather")) return firstToolName(tools);
  return undefined;
}

function firstToolName(tools: readonly unknown[]): string {
  const tool = tools[0];
  if (isObject(tool)) {
    if (isObject(tool.function) && typeof tool.function.name === "string") return tool.function.name;
    if (typeof tool.name === "string") return tool.name;
  }
  return "tool";
}

function usageObject(completion: Completion): JsonObject {
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completion.completionTokens,
    total_tokens: completion.promptTokens + completion.completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: completion.reasoning?.length ?? 0 },
  };
}

function completionObject(completion: Completion): JsonObject {
  const { reply } = completion;
  const message: JsonObject =
    reply.kind === "text"
      ? { role: "assistant", content: reply.content, refusal: null }
      : {
          role: "assistant",
          content: null,
          tool_calls: [{ id: reply.callId, type: "function", function: { name: reply.name, arguments: TOOL_ARGUMENTS } }],
          refusal: null,
        };
  if (completion.reasoning) message.reasoning_content = completion.reasoning.join("");
  return {
    id: completion.id,
    object: "chat.completion",
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.kind === "text" ? "stop" : "tool_calls" }],
    usage: usageObject(completion),
  };
}

function includeUsage(body: JsonObject): boolean {
  const options = body.stream_options;
  return isObject(options) && options.include_usage === true;
}

/**
 * All frames of the stream, built from string templates: only the per-chunk delta is
 * serialized, which keeps the fake cheap as a benchmark baseline.
 */
function streamPlan(completion: Completion, withUsage: boolean): StreamPlan {
  const { id, created, model, reply } = completion;
  // OpenAI sends `"usage":null` on every chunk once usage was requested.
  const usageNull = withUsage ? ',"usage":null' : "";
  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
  const open = `,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;

  const frames: string[] = [];
  let contentCount = 0;
  let finishReason: string;
  // Reasoning streams first, DeepSeek style: a role chunk, then `reasoning_content` deltas with `content: null`.
  const { reasoning } = completion;
  if (reasoning) {
    frames.push(`${head}{"role":"assistant","content":null,"reasoning_content":""}${open}`);
    for (const chunk of reasoning) frames.push(`${head}{"content":null,"reasoning_content":${JSON.stringify(chunk)}}${open}`);
    contentCount = reasoning.length;
  }
  if (reply.kind === "text") {
    if (!reasoning) frames.push(`${head}{"role":"assistant","content":""}${open}`);
    for (const chunk of reply.chunks) frames.push(`${head}{"content":${JSON.stringify(chunk)}}${open}`);
    contentCount += reply.chunks.length;
    finishReason = "stop";
  } else {
    const call = { index: 0, id: reply.callId, type: "function", function: { name: reply.name, arguments: "" } };
    const first = reasoning ? { tool_calls: [call] } : { role: "assistant", content: null, tool_calls: [call] };
    frames.push(`${head}${JSON.stringify(first)}${open}`);
    for (const fragment of TOOL_ARGUMENT_FRAGMENTS) {
      frames.push(`${head}{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(fragment)}}}]}${open}`);
    }
    // After reasoning, the call's opening frame sits inside the content range too.
    contentCount += TOOL_ARGUMENT_FRAGMENTS.length + (reasoning ? 1 : 0);
    finishReason = "tool_calls";
  }
  frames.push(`${head}{},"logprobs":null,"finish_reason":"${finishReason}"}]${usageNull}}\n\n`);
  if (withUsage) {
    const usageChunk = { id, object: "chat.completion.chunk", created, model, choices: [], usage: usageObject(completion) };
    frames.push(`data: ${JSON.stringify(usageChunk)}\n\n`);
  }
  frames.push("data: [DONE]\n\n");
  return { frames, firstContent: 1, contentCount };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content) if (isObject(part) && typeof part.text === "string") length += part.text.length;
  return length;
}

function joinedText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) if (isObject(part) && typeof part.text === "string") texts.push(part.text);
  return texts.join(" ");
}
