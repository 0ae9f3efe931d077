/**
 * OpenAI Responses responder (`POST /v1/responses`, `POST /v1/responses/input_tokens`).
 *
 * Message text = a string `input`, or the text parts of each message item (parts joined by a
 * space for the echo); images and files are accepted and ignored. Prompt tokens count the
 * `instructions`, every message's text and every tool output (text.ts rules). The answer
 * follows text.ts; the reply is a tool call instead when the request declares function or
 * custom tools (in `tools` or, as Codex does, in an `additional_tools` input item, namespaces
 * included), `tool_choice` is not "none", the input does not end with a tool output (so an
 * agent loop terminates), and one of: the last user message mentions "weather", the `tool`
 * fault is set, `tool_choice` is "required" or names a tool. The call goes to the named tool,
 * else the first one, with `{"location":"Paris"}` as arguments (or as a custom tool's input).
 *
 * Reasoning: with the `reasoning` fault, or when the request asks for reasoning with an
 * effort other than "none", the output starts with a reasoning item. Its summary
 * ("Thinking about: <user text>", streamed word by word) is present with the fault or when
 * `reasoning.summary` is requested; its `encrypted_content` with the fault or when `include`
 * asks for `reasoning.encrypted_content`. Reasoning tokens = the words of that text.
 *
 * `max_output_tokens` below the answer's tokens truncates a text answer and ends it with
 * `response.incomplete` (`incomplete_details.reason: "max_output_tokens"`).
 */
import { type Faults, jsonAnswer, leadingFaults, pacedStream } from "./faults.ts";
import { openaiJsonBody } from "./openai-auth.ts";
import { OPENAI_FAULT_ANSWERS, openaiErrorResponse } from "./openai-errors.ts";
import { isObject, JSON_HEADERS, joinedText, type JsonObject, SSE_HEADERS, textLength } from "./json.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { answerChunks, approxTokens, echoAnswer, loremAnswer, toolInput } from "./text.ts";
import { structuredAnswer } from "./structured.ts";

interface ToolCandidate {
  name: string;
  custom: boolean;
  namespace?: string;
}

type Output =
  | { kind: "text"; itemId: string; chunks: readonly string[] }
  | { kind: "tool"; itemId: string; callId: string; tool: ToolCandidate; input: { json: string; fragments: readonly string[] } };

interface Reasoning {
  itemId: string;
  /** Summary chunks; empty when no summary was asked for. */
  chunks: readonly string[];
  encryptedContent?: string;
  tokens: number;
}

interface Answer {
  id: string;
  createdAt: number;
  model: string;
  body: JsonObject;
  promptTokens: number;
  reasoning?: Reasoning;
  output: Output;
  incomplete: boolean;
  outputTokens: number;
}

export const openaiResponsesRoutes: readonly FakeRoute[] = [
  { method: "POST", paths: ["/v1/responses"], handle: handleResponses },
  { method: "POST", paths: ["/v1/responses/input_tokens"], handle: handleInputTokens },
];

/** Reads the JSON body and the faults; a Response when the request ends here (auth, 400, status fault, hang). */
async function begin(
  request: Request,
  context: FakeRequestContext,
  requireModel: boolean,
): Promise<Response | { body: JsonObject; faults: Readonly<Faults> }> {
  const body = await openaiJsonBody(request, context);
  if (body instanceof Response) return body;
  const { model, input } = body;
  if (requireModel && (typeof model !== "string" || model === "")) {
    return openaiErrorResponse(400, "Missing required parameter: 'model'.", { param: "model", code: "missing_required_parameter" });
  }
  if (input !== undefined && typeof input !== "string" && !Array.isArray(input)) {
    return openaiErrorResponse(400, "Invalid type for 'input': expected a string or an array.", { param: "input" });
  }
  const faults = await leadingFaults(request, typeof model === "string" ? model : undefined, OPENAI_FAULT_ANSWERS, context);
  if (faults instanceof Response) return faults;
  return { body, faults };
}

async function handleResponses(request: Request, context: FakeRequestContext): Promise<Response> {
  const begun = await begin(request, context, true);
  if (begun instanceof Response) return begun;
  const { body, faults } = begun;
  const stream = body.stream === true;
  const answer = buildAnswer(body, faults, context.seq);

  if (stream && faults.errorFrame) {
    const frames = [
      frame("response.created", 0, { response: responseObject(answer, "in_progress", []) }),
      frame("response.in_progress", 1, { response: responseObject(answer, "in_progress", []) }),
      frame("response.failed", 2, {
        response: responseObject(answer, "failed", [], { code: "server_error", message: "Fake upstream fault: error frame" }),
      }),
    ];
    return new Response(pacedStream({ frames, firstContent: frames.length, contentCount: 0 }, faults, request.signal), {
      headers: SSE_HEADERS,
    });
  }
  if (stream) {
    const plan = streamFrames(answer);
    // cut-after counts delta events; pacedStream counts frames, so hand it the frame position.
    const paced = faults.cutAfter === undefined ? faults : { ...faults, cutAfter: cutPosition(plan, faults.cutAfter) };
    // endless repeats the first delta event.
    const first = plan.afterDelta[0];
    const endless = first === undefined ? undefined : { after: first, frame: plan.frames[first - 1] };
    return new Response(pacedStream({ frames: plan.frames, firstContent: 0, contentCount: plan.frames.length, endless }, paced, request.signal), {
      headers: SSE_HEADERS,
    });
  }
  return jsonAnswer(JSON.stringify(responseObject(answer, answer.incomplete ? "incomplete" : "completed", outputItems(answer))), faults);
}

/** `POST /v1/responses/input_tokens`: the prompt tokens the create call would report. */
async function handleInputTokens(request: Request, context: FakeRequestContext): Promise<Response> {
  const begun = await begin(request, context, false);
  if (begun instanceof Response) return begun;
  const tokens = approxTokens(promptChars(begun.body));
  return new Response(JSON.stringify({ object: "response.input_tokens", input_tokens: tokens }), { headers: JSON_HEADERS });
}

// ---------------------------------------------------------------- the answer

function buildAnswer(body: JsonObject, faults: Readonly<Faults>, seq: number): Answer {
  const items = inputItems(body.input);
  const userText = lastUserText(items);
  const model = typeof body.model === "string" ? body.model : "";
  const reasoning = buildReasoning(body, faults, userText, seq);
  const reasoningTokens = reasoning?.tokens ?? 0;
  const base = {
    id: `resp_fake${seq}`,
    createdAt: Math.floor(Date.now() / 1000),
    model,
    body,
    promptTokens: approxTokens(promptChars(body)),
    reasoning,
  };

  const tool = chooseTool(body, items, faults, userText);
  if (tool) {
    const output: Output = { kind: "tool", itemId: `${tool.custom ? "ctc" : "fc"}_fake${seq}`, callId: `call_fake${seq}`, tool, input: toolInput(faults.placeArgs, userText) };
    return { ...base, output, incomplete: false, outputTokens: reasoningTokens + output.input.fragments.length };
  }
  let chunks = answerChunks(faults.words === undefined ? (structuredAnswer(body, "openai-responses") ?? echoAnswer(userText)) : loremAnswer(faults.words));
  const limit = typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined;
  const incomplete = limit !== undefined && reasoningTokens + chunks.length > limit;
  if (incomplete) chunks = chunks.slice(0, Math.max(0, limit - reasoningTokens));
  const output: Output = { kind: "text", itemId: `msg_fake${seq}`, chunks };
  return { ...base, output, incomplete, outputTokens: reasoningTokens + chunks.length };
}

function buildReasoning(body: JsonObject, faults: Readonly<Faults>, userText: string, seq: number): Reasoning | undefined {
  const config = isObject(body.reasoning) ? body.reasoning : undefined;
  const requested = config !== undefined && config.effort !== "none";
  if (!faults.reasoning && !requested) return undefined;
  const thought = `Thinking about:${echoAnswer(userText).slice("Echo:".length)}`;
  const thoughtChunks = answerChunks(thought);
  const withSummary = faults.reasoning === true || (typeof config?.summary === "string" && config.summary !== "none");
  const include = Array.isArray(body.include) ? body.include : [];
  const reasoning: Reasoning = { itemId: `rs_fake${seq}`, chunks: withSummary ? thoughtChunks : [], tokens: thoughtChunks.length };
  if (faults.reasoning || include.includes("reasoning.encrypted_content")) {
    // Looks like OpenAI's Fernet tokens; only this fake can "decrypt" it.
    reasoning.encryptedContent = `gAAAAABfake${Buffer.from(JSON.stringify({ seq, thought })).toString("base64")}`;
  }
  return reasoning;
}

function inputItems(input: unknown): JsonObject[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return Array.isArray(input) ? input.filter(isObject) : [];
}

function isMessage(item: JsonObject): boolean {
  return item.type === "message" || (item.type === undefined && typeof item.role === "string");
}

function lastUserText(items: readonly JsonObject[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    if (isMessage(items[i]) && items[i].role === "user") return joinedText(items[i].content);
  }
  return "";
}

function promptChars(body: JsonObject): number {
  let chars = typeof body.instructions === "string" ? body.instructions.length : 0;
  for (const item of inputItems(body.input)) {
    if (isMessage(item)) chars += textLength(item.content);
    else if (item.type === "function_call_output" || item.type === "custom_tool_call_output") chars += textLength(item.output);
  }
  return chars;
}

/** Function and custom tools from `tools` and `additional_tools` items, namespaces flattened. */
function declaredTools(body: JsonObject, items: readonly JsonObject[]): ToolCandidate[] {
  const tools: ToolCandidate[] = [];
  const collect = (list: unknown, namespace?: string) => {
    if (!Array.isArray(list)) return;
    for (const tool of list) {
      if (!isObject(tool)) continue;
      if (tool.type === "namespace") collect(tool.tools, typeof tool.name === "string" ? tool.name : undefined);
      else if ((tool.type === "function" || tool.type === "custom") && typeof tool.name === "string") {
        const candidate: ToolCandidate = { name: tool.name, custom: tool.type === "custom" };
        if (namespace !== undefined) candidate.namespace = namespace;
        tools.push(candidate);
      }
    }
  };
  collect(body.tools);
  for (const item of items) if (item.type === "additional_tools") collect(item.tools);
  return tools;
}

function chooseTool(body: JsonObject, items: readonly JsonObject[], faults: Readonly<Faults>, userText: string): ToolCandidate | undefined {
  const choice = body.tool_choice;
  if (choice === "none") return undefined;
  const last = items.at(-1);
  if (last && (last.type === "function_call_output" || last.type === "custom_tool_call_output")) return undefined;
  const tools = declaredTools(body, items);
  if (tools.length === 0) return undefined;
  if (isObject(choice) && typeof choice.name === "string") {
    return tools.find((tool) => tool.name === choice.name) ?? { name: choice.name, custom: choice.type === "custom" };
  }
  if (choice === "required" || faults.tool || userText.toLowerCase().includes("weather")) return tools[0];
  return undefined;
}

// ---------------------------------------------------------------- wire shapes

function usageObject(answer: Answer): JsonObject {
  return {
    input_tokens: answer.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: answer.outputTokens,
    output_tokens_details: { reasoning_tokens: answer.reasoning?.tokens ?? 0 },
    total_tokens: answer.promptTokens + answer.outputTokens,
  };
}

function reasoningItem(reasoning: Reasoning, text: string | undefined): JsonObject {
  const item: JsonObject = { id: reasoning.itemId, type: "reasoning", summary: [] };
  if (text !== undefined) {
    item.summary = reasoning.chunks.length > 0 ? [{ type: "summary_text", text }] : [];
    if (reasoning.encryptedContent !== undefined) item.encrypted_content = reasoning.encryptedContent;
  }
  return item;
}

function outputText(text: string): JsonObject {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

function messageItem(output: Extract<Output, { kind: "text" }>, text: string | undefined, incomplete: boolean): JsonObject {
  const status = text === undefined ? "in_progress" : incomplete ? "incomplete" : "completed";
  return { id: output.itemId, type: "message", status, content: text === undefined ? [] : [outputText(text)], role: "assistant" };
}

function toolItem(output: Extract<Output, { kind: "tool" }>, input: string | undefined): JsonObject {
  const { tool } = output;
  const status = input === undefined ? "in_progress" : "completed";
  const item: JsonObject = tool.custom
    ? { id: output.itemId, type: "custom_tool_call", status, call_id: output.callId, name: tool.name, input: input ?? "" }
    : { id: output.itemId, type: "function_call", status, arguments: input ?? "", call_id: output.callId, name: tool.name };
  if (tool.namespace !== undefined) item.namespace = tool.namespace;
  return item;
}

/** The finished output items. */
function outputItems(answer: Answer): JsonObject[] {
  const items: JsonObject[] = [];
  if (answer.reasoning) items.push(reasoningItem(answer.reasoning, answer.reasoning.chunks.join("")));
  const { output } = answer;
  items.push(output.kind === "text" ? messageItem(output, output.chunks.join(""), answer.incomplete) : toolItem(output, output.input.json));
  return items;
}

function responseObject(
  answer: Answer,
  status: "in_progress" | "completed" | "incomplete" | "failed",
  output: JsonObject[],
  error: JsonObject | null = null,
): JsonObject {
  const { body } = answer;
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  const text = isObject(body.text) ? body.text : {};
  return {
    id: answer.id,
    object: "response",
    created_at: answer.createdAt,
    status,
    background: false,
    error,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : null,
    model: answer.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    store: body.store !== false,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    text: { format: text.format ?? { type: "text" }, verbosity: text.verbosity ?? "medium" },
    tool_choice: body.tool_choice ?? "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    usage: status === "completed" || status === "incomplete" ? usageObject(answer) : null,
    user: null,
    metadata: {},
  };
}

// ---------------------------------------------------------------- stream

interface ResponsesPlan {
  frames: string[];
  /** Frame positions right after each delta frame, for `cut-after`. */
  afterDelta: number[];
}

function frame(type: string, sequence: number, payload: JsonObject): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...payload })}\n\n`;
}

/** The complete event sequence; deltas are string templates so only the chunk is serialized. */
function streamFrames(answer: Answer): ResponsesPlan {
  const frames: string[] = [];
  const afterDelta: number[] = [];
  const push = (type: string, payload: JsonObject) => frames.push(frame(type, frames.length, payload));
  const delta = (type: string, head: string, chunk: string, tail = "") => {
    frames.push(`event: ${type}\ndata: {"type":"${type}","sequence_number":${frames.length},${head}"delta":${JSON.stringify(chunk)}${tail}}\n\n`);
    afterDelta.push(frames.length);
  };
  const output: JsonObject[] = [];

  push("response.created", { response: responseObject(answer, "in_progress", []) });
  push("response.in_progress", { response: responseObject(answer, "in_progress", []) });

  const { reasoning } = answer;
  if (reasoning) {
    const outputIndex = output.length;
    const ids = { item_id: reasoning.itemId, output_index: outputIndex };
    push("response.output_item.added", { output_index: outputIndex, item: reasoningItem(reasoning, undefined) });
    if (reasoning.chunks.length > 0) {
      const text = reasoning.chunks.join("");
      push("response.reasoning_summary_part.added", { ...ids, summary_index: 0, part: { type: "summary_text", text: "" } });
      const head = `"item_id":"${reasoning.itemId}","output_index":${outputIndex},"summary_index":0,`;
      for (const chunk of reasoning.chunks) delta("response.reasoning_summary_text.delta", head, chunk);
      push("response.reasoning_summary_text.done", { ...ids, summary_index: 0, text });
      push("response.reasoning_summary_part.done", { ...ids, summary_index: 0, part: { type: "summary_text", text } });
    }
    const item = reasoningItem(reasoning, reasoning.chunks.join(""));
    output.push(item);
    push("response.output_item.done", { output_index: outputIndex, item });
  }

  const outputIndex = output.length;
  const answerOutput = answer.output;
  if (answerOutput.kind === "text") {
    const text = answerOutput.chunks.join("");
    const ids = { item_id: answerOutput.itemId, output_index: outputIndex, content_index: 0 };
    push("response.output_item.added", { output_index: outputIndex, item: messageItem(answerOutput, undefined, false) });
    push("response.content_part.added", { ...ids, part: outputText("") });
    const head = `"item_id":"${answerOutput.itemId}","output_index":${outputIndex},"content_index":0,`;
    for (const chunk of answerOutput.chunks) delta("response.output_text.delta", head, chunk, ',"logprobs":[]');
    push("response.output_text.done", { ...ids, text, logprobs: [] });
    push("response.content_part.done", { ...ids, part: outputText(text) });
    const item = messageItem(answerOutput, text, answer.incomplete);
    output.push(item);
    push("response.output_item.done", { output_index: outputIndex, item });
  } else {
    const custom = answerOutput.tool.custom;
    const ids = { item_id: answerOutput.itemId, output_index: outputIndex };
    push("response.output_item.added", { output_index: outputIndex, item: toolItem(answerOutput, undefined) });
    const type = custom ? "response.custom_tool_call_input" : "response.function_call_arguments";
    const head = `"item_id":"${answerOutput.itemId}","output_index":${outputIndex},`;
    const { json, fragments } = answerOutput.input;
    for (const fragment of fragments) delta(`${type}.delta`, head, fragment);
    push(`${type}.done`, custom ? { ...ids, input: json } : { ...ids, arguments: json });
    const item = toolItem(answerOutput, json);
    output.push(item);
    push("response.output_item.done", { output_index: outputIndex, item });
  }

  const status = answer.incomplete ? "incomplete" : "completed";
  push(`response.${status}`, { response: responseObject(answer, status, output) });
  return { frames, afterDelta };
}

/** Frames to send before cutting: through the Nth delta, or everything but the terminal event. */
function cutPosition(plan: ResponsesPlan, cutAfter: number): number {
  return cutAfter < plan.afterDelta.length ? plan.afterDelta[cutAfter - 1] ?? plan.afterDelta[0] - 1 : plan.frames.length - 1;
}
