import type {
  CanonicalRequest,
  ContentPart,
  FilePart,
  ImagePart,
  JsonValue,
  Message,
  ReasoningConfig,
  ReasoningEffort,
  TextPart,
  Tool,
  ToolCallPart,
  ToolResultPart,
} from "../../core/canonical.ts";
import type { EncodedRequest, JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { CUSTOM_TOOL_INPUT } from "./custom-tools.ts";
import { toDataUrl } from "./data-url.ts";
import { REASONING_ORIGIN } from "./reasoning-origin.ts";
import { isObject } from "../../core/json-values.ts";

/** OpenAI rejects more than four stop sequences. */
const MAX_STOP_SEQUENCES = 4;

/**
 * OpenAI's reasoning models reject `max_tokens` ("use max_completion_tokens instead"), while
 * many OpenAI-compatible vendors only know `max_tokens`; so `max_tokens` unless the model
 * name is one of OpenAI's own reasoning families.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens
 */
const COMPLETION_TOKENS_MODELS = /^(o[1-9]|gpt-[5-9])/i;

/**
 * The canonical request → a Chat Completions body for an OpenAI-compatible upstream.
 *
 * Degrades (with a warning): custom (free-form) tools become function tools taking one string
 * `input`; images in tool results move to a user message after the tool messages; files that
 * are neither PDF, text nor image, and files given only by URL, are dropped; `topK` is
 * dropped; stop sequences beyond four are dropped. Silently dropped: reasoning from other
 * vendors (chat cannot replay it), signatures, cache-control hints (OpenAI caches on its
 * own), `isError` on tool results, and the client wire's `extras`.
 */
export function encodeRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings: string[] = [];
  const body: JsonObject = { model: target.model, messages: encodeMessages(request, warnings) };

  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => encodeTool(tool, warnings));
    if (request.toolChoice !== undefined) {
      body.tool_choice =
        typeof request.toolChoice === "string" ? request.toolChoice : { type: "function", function: { name: request.toolChoice.name } };
    }
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }

  if (request.maxOutputTokens !== undefined) {
    body[COMPLETION_TOKENS_MODELS.test(target.model) ? "max_completion_tokens" : "max_tokens"] = request.maxOutputTokens;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.push("top_k is not supported by Chat Completions and was dropped");
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    if (request.stopSequences.length > MAX_STOP_SEQUENCES) {
      warnings.push(`Chat Completions accepts at most ${MAX_STOP_SEQUENCES} stop sequences; the rest were dropped`);
    }
    body.stop = request.stopSequences.slice(0, MAX_STOP_SEQUENCES);
  }

  const format = request.responseFormat;
  if (format?.type === "json") body.response_format = { type: "json_object" };
  if (format?.type === "json-schema") {
    const schema: JsonObject = { name: schemaName(format.name), schema: format.schema };
    if (format.strict !== undefined) schema.strict = format.strict;
    body.response_format = { type: "json_schema", json_schema: schema };
  }

  const effort = reasoningEffort(request.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;

  if (target.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (request.user !== undefined) body.user = request.user;
  return { body, warnings };
}

// ---------------------------------------------------------------- messages

function encodeMessages(request: CanonicalRequest, warnings: string[]): JsonObject[] {
  const messages: JsonObject[] = [];
  const systemText = joinText(request.system);
  if (systemText !== "") messages.push({ role: "system", content: systemText });
  for (const message of request.messages) encodeMessage(message, messages, warnings);
  return messages;
}

function encodeMessage(message: Message, out: JsonObject[], warnings: string[]): void {
  const results = message.content.filter((part): part is ToolResultPart => part.type === "tool-result");
  if (results.length > 0) encodeToolResults(results, out, warnings);
  if (message.role === "tool") return;
  if (message.role === "assistant") {
    out.push(encodeAssistant(message.content));
    return;
  }
  const rest = message.content.filter((part) => part.type !== "tool-result");
  // A user message made only of tool results was fully handled above.
  if (rest.length === 0 && results.length > 0) return;
  out.push({ role: "user", content: encodeUserContent(rest, warnings) });
}

function encodeAssistant(content: readonly ContentPart[]): JsonObject {
  const texts: TextPart[] = [];
  const reasoning: string[] = [];
  const calls: JsonObject[] = [];
  for (const part of content) {
    if (part.type === "text") texts.push(part);
    // DeepSeek / Qwen take back their own `reasoning_content`; other vendors' reasoning cannot be replayed here.
    else if (part.type === "reasoning" && part.origin === REASONING_ORIGIN && part.text !== "") reasoning.push(part.text);
    else if (part.type === "tool-call") calls.push(encodeToolCall(part));
  }
  const text = joinText(texts);
  const message: JsonObject = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("\n\n");
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

function encodeToolCall(call: ToolCallPart): JsonObject {
  // Custom tools are sent as function tools taking `{input}`, so their calls replay that way too.
  const args = call.kind === "custom" ? JSON.stringify({ [CUSTOM_TOOL_INPUT]: call.arguments }) : call.arguments;
  return { id: call.id, type: "function", function: { name: call.name, arguments: args === "" ? "{}" : args } };
}

/**
 * One `role: tool` message per result, all before any other message (OpenAI requires the tool
 * messages to follow the assistant's tool_calls directly). Chat tool messages carry text
 * only, so images go into one user message after them.
 */
function encodeToolResults(results: readonly ToolResultPart[], out: JsonObject[], warnings: string[]): void {
  const images: JsonObject[] = [];
  for (const result of results) {
    const text = joinText(result.content.filter((part): part is TextPart => part.type === "text"));
    const resultImages = result.content.filter((part): part is ImagePart => part.type === "image");
    if (resultImages.length > 0) {
      images.push({ type: "text", text: `Image output of tool call ${result.callId}:` });
      for (const image of resultImages) images.push(encodeImage(image));
    }
    const content = text === "" && resultImages.length > 0 ? "(image output follows in the next message)" : text;
    out.push({ role: "tool", tool_call_id: result.callId, content });
  }
  if (images.length > 0) {
    warnings.push("Chat Completions tool messages cannot hold images; they were moved to a user message after the tool results");
    out.push({ role: "user", content: images });
  }
}

/** Text only → one string (what every OpenAI-compatible vendor accepts); media → content parts. */
function encodeUserContent(parts: readonly ContentPart[], warnings: string[]): string | JsonObject[] {
  const encoded: JsonObject[] = [];
  for (const part of parts) {
    if (part.type === "text") encoded.push({ type: "text", text: part.text });
    else if (part.type === "image") encoded.push(encodeImage(part));
    else if (part.type === "file") {
      const file = encodeFile(part, warnings);
      if (file) encoded.push(file);
    }
  }
  if (encoded.every((part) => part.type === "text")) return encoded.map((part) => part.text as string).join("\n\n");
  return encoded;
}

function encodeImage(image: ImagePart): JsonObject {
  const url = image.data !== undefined ? toDataUrl(image.mediaType ?? "image/png", image.data) : (image.url ?? "");
  const imageUrl: JsonObject = { url };
  if (image.detail !== undefined) imageUrl.detail = image.detail;
  return { type: "image_url", image_url: imageUrl };
}

/** Chat's `file` part takes PDFs (inline data URL or an uploaded file id); text and images have their own parts. */
function encodeFile(file: FilePart, warnings: string[]): JsonObject | undefined {
  const mediaType = file.mediaType ?? "application/pdf";
  const label = file.filename ?? file.url ?? file.fileId ?? "a file";
  if (file.data !== undefined && mediaType.startsWith("text/")) {
    return { type: "text", text: Buffer.from(file.data, "base64").toString("utf8") };
  }
  if (file.data !== undefined && mediaType.startsWith("image/")) {
    return encodeImage({ type: "image", data: file.data, mediaType });
  }
  if (file.fileId !== undefined) {
    return { type: "file", file: { file_id: file.fileId } };
  }
  if (file.data !== undefined && mediaType === "application/pdf") {
    return { type: "file", file: { filename: file.filename ?? "document.pdf", file_data: toDataUrl(mediaType, file.data) } };
  }
  if (file.data === undefined) warnings.push(`Chat Completions cannot fetch files by URL; ${label} was dropped`);
  else warnings.push(`Chat Completions only accepts PDF files; ${label} (${mediaType}) was dropped`);
  return undefined;
}

// ---------------------------------------------------------------- tools and options

function encodeTool(tool: Tool, warnings: string[]): JsonObject {
  if (tool.type === "function") {
    const definition: JsonObject = { name: tool.name };
    if (tool.description !== undefined) definition.description = tool.description;
    definition.parameters = tool.parameters ?? { type: "object", properties: {} };
    if (tool.strict !== undefined) definition.strict = tool.strict;
    return { type: "function", function: definition };
  }
  warnings.push(`custom tool '${tool.name}' was sent as a function tool with one string parameter '${CUSTOM_TOOL_INPUT}'`);
  const input: JsonObject = { type: "string", description: customInputDescription(tool.format) };
  const definition: JsonObject = {
    name: tool.name,
    parameters: { type: "object", properties: { [CUSTOM_TOOL_INPUT]: input }, required: [CUSTOM_TOOL_INPUT], additionalProperties: false },
  };
  if (tool.description !== undefined) definition.description = tool.description;
  return { type: "function", function: definition };
}

/** A grammar-constrained custom tool (Codex `apply_patch`) keeps its grammar as guidance in the description. */
function customInputDescription(format: JsonValue | undefined): string {
  const base = "The raw input for this tool, as free-form text.";
  if (!isObject(format) || typeof format.definition !== "string") return base;
  const syntax = typeof format.syntax === "string" ? ` (${format.syntax} grammar)` : "";
  return `${base} It must follow this format${syntax}:\n${format.definition}`;
}

/** JSON-schema names must match ^[a-zA-Z0-9_-]{1,64}$. */
function schemaName(name: string | undefined): string {
  const cleaned = (name ?? "").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned === "" ? "response" : cleaned;
}

/**
 * Chat knows `reasoning_effort` only. "xhigh"/"max" become "high" (the highest value every
 * reasoning model accepts); a bare token budget picks the nearest effort; `enabled: false`
 * without an effort sends nothing, since non-reasoning models reject the field.
 */
function reasoningEffort(reasoning: ReasoningConfig | undefined): ReasoningEffort | undefined {
  if (reasoning === undefined) return undefined;
  const { effort, budgetTokens } = reasoning;
  if (effort === "xhigh" || effort === "max") return "high";
  if (effort !== undefined) return effort;
  if (!reasoning.enabled || budgetTokens === undefined || budgetTokens <= 0) return undefined;
  if (budgetTokens < 4096) return "low";
  if (budgetTokens < 16384) return "medium";
  return "high";
}

function joinText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join("\n\n");
}
