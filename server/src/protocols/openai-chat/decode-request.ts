import type {
  CanonicalRequest,
  ContentPart,
  FilePart,
  ImagePart,
  JsonValue,
  Message,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  Tool,
  ToolCallPart,
  ToolChoice,
  ToolResultPart,
} from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, RequestContext } from "../../core/wire-protocol.ts";
import { parseDataUrl } from "./data-url.ts";
import { REASONING_ORIGIN } from "./reasoning-origin.ts";
import { asJsonValue, isObject, nonEmptyString, numberOf, stringOf } from "../../core/json-values.ts";
import type { ChatContentPart, ChatFunctionDefinition, ChatMessage, ChatTool, ChatToolCall } from "./wire-types.ts";

/** Request fields the canonical model covers; everything else lands in `extras` untouched. */
const MODELLED_FIELDS = new Set([
  "model",
  "messages",
  "tools",
  "functions",
  "tool_choice",
  "function_call",
  "parallel_tool_calls",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "response_format",
  "reasoning_effort",
  "stream",
  "user",
  "n",
]);

const EFFORTS = new Set<string>(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);

/**
 * A Chat Completions request (OpenAI SDK, Cherry Studio, Open WebUI, LobeChat, NextChat,
 * Immersive Translate …) → the canonical request. Tolerant of string-or-parts content, legacy
 * `functions` / `function_call` and vendor reasoning fields; throws only without a model or
 * messages, or for `n > 1` (the hub produces exactly one choice).
 *
 * Not modelled, so kept in `extras` under their own names: `stream_options` (encodeStream reads
 * `include_usage` from there), `logprobs`, `top_logprobs`, `metadata`, `store`, … Dropped:
 * `input_audio` parts (no canonical audio) and message `name`s.
 */
export function decodeRequest(body: JsonObject, context: RequestContext = {}): CanonicalRequest {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (model === undefined || model === "") {
    throw new GatewayError("bad_request", "you must provide a model parameter", { param: "model" });
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new GatewayError("bad_request", "'messages' must be a non-empty array", { param: "messages" });
  }
  const choices = numberOf(body.n);
  if (choices !== undefined && choices > 1) {
    throw new GatewayError("bad_request", "n > 1 is not supported for this model (only one choice can be generated)", {
      param: "n",
    });
  }

  const { system, messages } = decodeMessages(body.messages as unknown[]);
  const extras: Record<string, JsonValue> = {};
  let reasoning = decodeReasoningEffort(body.reasoning_effort, extras);
  // OpenRouter-style `reasoning: {effort, max_tokens, exclude}` (Cherry Studio, LobeChat send it).
  const reasoningObject = reasoning === undefined && isObject(body.reasoning) ? decodeReasoningObject(body.reasoning) : undefined;
  reasoning ??= reasoningObject;
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || MODELLED_FIELDS.has(key)) continue;
    if (key === "reasoning" && reasoningObject !== undefined) continue;
    extras[key] ??= asJsonValue(value);
  }

  const request: CanonicalRequest = {
    model,
    system,
    messages,
    tools: decodeTools(body.tools, body.functions),
    stream: body.stream === true,
    extras,
  };
  const toolChoice = decodeToolChoice(body.tool_choice ?? body.function_call);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") request.parallelToolCalls = body.parallel_tool_calls;
  const maxOutputTokens = numberOf(body.max_completion_tokens) ?? numberOf(body.max_tokens);
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  assignNumber(request, "temperature", body.temperature);
  assignNumber(request, "topP", body.top_p);
  assignNumber(request, "seed", body.seed);
  assignNumber(request, "presencePenalty", body.presence_penalty);
  assignNumber(request, "frequencyPenalty", body.frequency_penalty);
  const stop = decodeStop(body.stop);
  if (stop !== undefined) request.stopSequences = stop;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (typeof body.user === "string" && body.user !== "") request.user = body.user;
  return request;
}

type NumericField = "temperature" | "topP" | "seed" | "presencePenalty" | "frequencyPenalty";

function assignNumber(request: CanonicalRequest, field: NumericField, value: unknown): void {
  const number = numberOf(value);
  if (number !== undefined) request[field] = number;
}

// ---------------------------------------------------------------- messages

function decodeMessages(raw: readonly unknown[]): { system: TextPart[]; messages: Message[] } {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  // Legacy `function_call`s have no id: synthesise one and hand it to the next `function` result of that name.
  const legacyCalls = new Map<string, string[]>();
  let legacyCount = 0;

  for (const entry of raw) {
    if (!isObject(entry)) continue;
    const message = entry as ChatMessage;
    switch (message.role) {
      case "system":
      case "developer":
        // Chat allows system messages anywhere; the canonical model has one system prompt.
        for (const part of decodeContent(message.content)) if (part.type === "text") system.push(part);
        break;
      case "assistant": {
        const content: ContentPart[] = [];
        const reasoning = nonEmptyString(message.reasoning_content) ?? nonEmptyString(message.reasoning);
        if (reasoning) content.push({ type: "reasoning", text: reasoning, origin: REASONING_ORIGIN });
        // `content: ""` next to tool_calls is common; an empty text part would only trip other vendors.
        for (const part of decodeContent(message.content)) if (part.type === "text" && part.text !== "") content.push(part);
        if (typeof message.refusal === "string" && message.refusal !== "" && !content.some((part) => part.type === "text")) {
          content.push({ type: "text", text: message.refusal });
        }
        for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
          const part = decodeToolCall(call);
          if (part === undefined) continue;
          toolNames.set(part.id, part.name);
          content.push(part);
        }
        const legacy = message.function_call;
        if (legacy && typeof legacy.name === "string") {
          const id = `call_legacy_${legacyCount++}`;
          const name = legacy.name;
          const queue = legacyCalls.get(name) ?? [];
          queue.push(id);
          legacyCalls.set(name, queue);
          toolNames.set(id, name);
          content.push({ type: "tool-call", id, name, arguments: typeof legacy.arguments === "string" ? legacy.arguments : "", kind: "function" });
        }
        messages.push({ role: "assistant", content });
        break;
      }
      case "tool": {
        const callId = typeof message.tool_call_id === "string" ? message.tool_call_id : "";
        pushToolResult(messages, { type: "tool-result", callId, name: toolNames.get(callId), content: decodeToolResultContent(message.content) });
        break;
      }
      case "function": {
        const name = typeof message.name === "string" ? message.name : "";
        const callId = legacyCalls.get(name)?.shift() ?? `call_legacy_${name}`;
        pushToolResult(messages, { type: "tool-result", callId, name, content: decodeToolResultContent(message.content) });
        break;
      }
      default:
        // "user", and anything unknown is treated as the user speaking.
        messages.push({ role: "user", content: decodeContent(message.content) });
    }
  }
  return { system, messages };
}

/** Consecutive `role: tool` messages answer one assistant turn: they become one canonical tool message. */
function pushToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === "tool") last.content.push(result);
  else messages.push({ role: "tool", content: [result] });
}

function decodeToolCall(raw: unknown): ToolCallPart | undefined {
  if (!isObject(raw)) return undefined;
  const call = raw as ChatToolCall;
  const id = typeof call.id === "string" ? call.id : "";
  if (call.type === "custom" || (call.function === undefined && typeof call.custom === "object" && call.custom !== null)) {
    const name = call.custom?.name;
    if (typeof name !== "string") return undefined;
    return { type: "tool-call", id, name, arguments: call.custom?.input ?? "", kind: "custom" };
  }
  const name = call.function?.name;
  if (typeof name !== "string") return undefined;
  const args = call.function?.arguments;
  return { type: "tool-call", id, name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}), kind: "function" };
}

/** Text, images and files of a user / system / assistant message. */
function decodeContent(content: ChatMessage["content"]): Array<TextPart | ImagePart | FilePart> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const parts: Array<TextPart | ImagePart | FilePart> = [];
  for (const raw of content as unknown[]) {
    if (typeof raw === "string") {
      parts.push({ type: "text", text: raw });
      continue;
    }
    if (!isObject(raw)) continue;
    const part = raw as unknown as ChatContentPart;
    switch (part.type) {
      case "image_url": {
        const image = decodeImage(part.image_url);
        if (image) parts.push(image);
        break;
      }
      case "file": {
        const file = decodeFile(part.file);
        if (file) parts.push(file);
        break;
      }
      case "refusal":
        if (typeof part.refusal === "string") parts.push({ type: "text", text: part.refusal });
        break;
      case "input_audio":
        break; // no canonical audio part
      default:
        if (typeof raw.text === "string") parts.push({ type: "text", text: raw.text });
    }
  }
  return parts;
}

function decodeToolResultContent(content: ChatMessage["content"]): Array<TextPart | ImagePart> {
  const parts: Array<TextPart | ImagePart> = [];
  for (const part of decodeContent(content)) if (part.type !== "file") parts.push(part);
  return parts;
}

function decodeImage(raw: unknown): ImagePart | undefined {
  const url = typeof raw === "string" ? raw : isObject(raw) ? stringOf(raw.url) : undefined;
  if (url === undefined || url === "") return undefined;
  const detail = isObject(raw) ? stringOf(raw.detail) : undefined;
  const inline = parseDataUrl(url);
  const image: ImagePart = inline ? { type: "image", mediaType: inline.mediaType, data: inline.data } : { type: "image", url };
  if (detail !== undefined) image.detail = detail;
  return image;
}

function decodeFile(raw: unknown): FilePart | undefined {
  if (!isObject(raw)) return undefined;
  const file: FilePart = { type: "file" };
  const fileData = stringOf(raw.file_data);
  const filename = stringOf(raw.filename);
  if (fileData) {
    const inline = parseDataUrl(fileData);
    // OpenAI documents a data URL; a bare base64 string is a PDF (the only type chat accepts).
    file.data = inline ? inline.data : fileData;
    file.mediaType = inline?.mediaType ?? "application/pdf";
  }
  const fileId = stringOf(raw.file_id);
  if (fileId) file.fileId = fileId;
  if (filename) file.filename = filename;
  return file.data === undefined && file.fileId === undefined ? undefined : file;
}

// ---------------------------------------------------------------- tools and options

function decodeTools(tools: unknown, functions: unknown): Tool[] {
  const decoded: Tool[] = [];
  for (const raw of Array.isArray(tools) ? tools : []) {
    if (!isObject(raw)) continue;
    const tool = raw as ChatTool;
    if (tool.type === "custom" && isObject(tool.custom) && typeof tool.custom.name === "string") {
      const custom: Tool = { type: "custom", name: tool.custom.name };
      if (typeof tool.custom.description === "string") custom.description = tool.custom.description;
      if (tool.custom.format !== undefined) custom.format = asJsonValue(tool.custom.format);
      decoded.push(custom);
      continue;
    }
    const fn = decodeFunction(tool.function);
    if (fn) decoded.push(fn);
  }
  for (const raw of Array.isArray(functions) ? functions : []) {
    const fn = decodeFunction(raw);
    if (fn) decoded.push(fn);
  }
  return decoded;
}

function decodeFunction(raw: unknown): Tool | undefined {
  if (!isObject(raw)) return undefined;
  const definition = raw as ChatFunctionDefinition;
  if (typeof definition.name !== "string" || definition.name === "") return undefined;
  const tool: Tool = { type: "function", name: definition.name };
  if (typeof definition.description === "string") tool.description = definition.description;
  if (definition.parameters !== undefined) tool.parameters = asJsonValue(definition.parameters);
  if (typeof definition.strict === "boolean") tool.strict = definition.strict;
  return tool;
}

function decodeToolChoice(raw: unknown): ToolChoice | undefined {
  if (raw === "auto" || raw === "none" || raw === "required") return raw;
  if (!isObject(raw)) return undefined;
  if (isObject(raw.function) && typeof raw.function.name === "string") return { name: raw.function.name };
  if (isObject(raw.custom) && typeof raw.custom.name === "string") return { name: raw.custom.name };
  // Legacy `function_call: {name}`.
  if (typeof raw.name === "string") return { name: raw.name };
  // `allowed_tools` narrows the tool list; the canonical choice keeps only its mode.
  if (isObject(raw.allowed_tools)) return raw.allowed_tools.mode === "required" ? "required" : "auto";
  return undefined;
}

function decodeStop(raw: unknown): string[] | undefined {
  if (typeof raw === "string") return raw === "" ? undefined : [raw];
  if (!Array.isArray(raw)) return undefined;
  const stops = raw.filter((value): value is string => typeof value === "string" && value !== "");
  return stops.length > 0 ? stops : undefined;
}

function decodeResponseFormat(raw: unknown): ResponseFormat | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.type === "text") return { type: "text" };
  if (raw.type === "json_object") return { type: "json" };
  if (raw.type === "json_schema" && isObject(raw.json_schema)) {
    const { name, schema, strict } = raw.json_schema;
    const format: ResponseFormat = { type: "json-schema", schema: asJsonValue(schema ?? {}) };
    if (typeof name === "string") format.name = name;
    if (typeof strict === "boolean") format.strict = strict;
    return format;
  }
  return undefined;
}

function decodeReasoningEffort(raw: unknown, extras: Record<string, JsonValue>): ReasoningConfig | undefined {
  if (typeof raw !== "string") return undefined;
  if (!EFFORTS.has(raw)) {
    extras.reasoning_effort = raw; // an effort we do not know: keep it, do not guess
    return undefined;
  }
  return { enabled: raw !== "none", effort: raw as ReasoningEffort };
}

function decodeReasoningObject(raw: Record<string, unknown>): ReasoningConfig | undefined {
  const effort = typeof raw.effort === "string" && EFFORTS.has(raw.effort) ? (raw.effort as ReasoningEffort) : undefined;
  const budgetTokens = numberOf(raw.max_tokens);
  const enabled = typeof raw.enabled === "boolean" ? raw.enabled : effort !== "none";
  if (effort === undefined && budgetTokens === undefined && typeof raw.enabled !== "boolean") return undefined;
  const config: ReasoningConfig = { enabled };
  if (effort !== undefined) config.effort = effort;
  if (budgetTokens !== undefined) config.budgetTokens = budgetTokens;
  if (typeof raw.exclude === "boolean") config.includeThoughts = !raw.exclude;
  return config;
}
