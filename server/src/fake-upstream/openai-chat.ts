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
import { type Faults, jsonAnswer, leadingFaults, pacedStream, type StreamPlan } from "./faults.ts";
import { openaiJsonBody } from "./openai-auth.ts";
import { OPENAI_FAULT_ANSWERS, openaiErrorJson, openaiErrorResponse } from "./openai-errors.ts";
import { isObject, joinedText, type JsonObject, SSE_HEADERS, textLength } from "./json.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { answerChunks, approxTokens, echoAnswer, loremAnswer, toolInput } from "./text.ts";
import { structuredAnswer } from "./structured.ts";

const ERROR_FRAME = `data: ${openaiErrorJson("Fake upstream fault: error frame", "server_error")}\n\n`;

type Reply =
  | { kind: "text"; content: string; chunks: readonly string[] }
  | { kind: "tool"; callId: string; name: string; input: { json: string; fragments: readonly string[] } };

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
  { method: "POST", paths: ["/v1/chat/completions"], handle: handleChat },
];

async function handleChat(request: Request, context: FakeRequestContext): Promise<Response> {
  const body = await openaiJsonBody(request, context);
  if (body instanceof Response) return body;
  const { model, messages } = body;
  if (typeof model !== "string" || model === "") {
    return openaiErrorResponse(400, "You must provide a model parameter.", { param: "model" });
  }
  if (!Array.isArray(messages)) return openaiErrorResponse(400, "'messages' is a required property", { param: "messages" });
  const faults = await leadingFaults(request, model, OPENAI_FAULT_ANSWERS, context);
  if (faults instanceof Response) return faults;

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
  return jsonAnswer(JSON.stringify(completionObject(completion)), faults);
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
    const reply: Reply = { kind: "tool", callId: `call_fake${seq}`, name: toolName, input: toolInput(faults.placeArgs, userText) };
    return { ...base, reply, completionTokens: reasoningTokens + reply.input.fragments.length };
  }
  const content = faults.words === undefined ? (structuredAnswer(body, "openai-chat") ?? echoAnswer(userText)) : loremAnswer(faults.words);
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
          tool_calls: [{ id: reply.callId, type: "function", function: { name: reply.name, arguments: reply.input.json } }],
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
    for (const fragment of reply.input.fragments) {
      frames.push(`${head}{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(fragment)}}}]}${open}`);
    }
    // After reasoning, the call's opening frame sits inside the content range too.
    contentCount += reply.input.fragments.length + (reasoning ? 1 : 0);
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
