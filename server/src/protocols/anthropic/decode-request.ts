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
  ToolChoice,
  ToolResultPart,
} from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, RequestContext } from "../../core/wire-protocol.ts";
import { openSignature } from "./reasoning-envelope.ts";
import type { AnthropicContentBlock, AnthropicRequest, AnthropicSource } from "./wire-types.ts";
import { isObject, numberOf, stringOf } from "../../core/json-values.ts";

/** Request fields the canonical model covers; everything else goes to `extras` untouched. */
const MODELLED_FIELDS = new Set([
  "model", "messages", "system", "tools", "tool_choice", "max_tokens", "temperature", "top_p", "top_k",
  "stop_sequences", "stream", "thinking", "metadata", "output_config", "output_format",
]);

const EFFORTS = new Set<ReasoningEffort>(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);

/**
 * An Anthropic Messages request (as Claude Code and the SDKs send it) → canonical.
 * Tolerant: only a missing model or a missing `messages` array is an error.
 */
export function decodeRequest(raw: JsonObject, context: RequestContext): CanonicalRequest {
  const body = raw as AnthropicRequest;
  const model = (typeof body.model === "string" && body.model !== "" ? body.model : undefined) ?? context.model;
  if (!model) throw new GatewayError("bad_request", "model: Field required", { param: "model" });
  if (!Array.isArray(body.messages)) throw new GatewayError("bad_request", "messages: Field required", { param: "messages" });

  const system = decodeSystem(body.system);
  const messages = decodeMessages(body.messages, system);
  const request: CanonicalRequest = {
    model,
    system,
    messages,
    tools: decodeTools(body.tools, loadedToolNames(body.messages)),
    stream: typeof body.stream === "boolean" ? body.stream : (context.stream ?? false),
    extras: {},
  };

  const choice: unknown = body.tool_choice;
  if (isObject(choice)) {
    const decoded = decodeToolChoice(choice);
    if (decoded !== undefined) request.toolChoice = decoded;
    if (choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  }
  const maxTokens = numberOf(body.max_tokens);
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = numberOf(body.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = numberOf(body.top_p);
  if (topP !== undefined) request.topP = topP;
  const topK = numberOf(body.top_k);
  if (topK !== undefined) request.topK = topK;
  if (Array.isArray(body.stop_sequences)) {
    request.stopSequences = body.stop_sequences.filter((stop): stop is string => typeof stop === "string");
  }
  const reasoning = decodeReasoning(body);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(body);
  if (responseFormat) request.responseFormat = responseFormat;
  if (isObject(body.metadata) && typeof body.metadata.user_id === "string") request.user = body.metadata.user_id;

  for (const [key, value] of Object.entries(body)) {
    if (!MODELLED_FIELDS.has(key) && value !== undefined) request.extras[key] = value as JsonValue;
  }
  const metadataRest = without(body.metadata, ["user_id"]);
  if (metadataRest) request.extras.metadata = metadataRest;
  const outputRest = without(body.output_config, ["effort", "format"]);
  if (outputRest) request.extras.output_config = outputRest;
  return request;
}

/** The object minus some keys, or undefined when nothing is left. */
function without(value: unknown, keys: string[]): JsonValue | undefined {
  if (!isObject(value)) return undefined;
  const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
  return Object.keys(rest).length === 0 ? undefined : (rest as JsonValue);
}

function decodeSystem(system: unknown): TextPart[] {
  if (typeof system === "string") return system === "" ? [] : [{ type: "text", text: system }];
  if (!Array.isArray(system)) return [];
  const parts: TextPart[] = [];
  for (const block of system) {
    const part = isObject(block) ? decodeText(block) : undefined;
    if (part) parts.push(part);
  }
  return parts;
}

function decodeText(block: { text?: unknown; cache_control?: unknown }): TextPart | undefined {
  const text = stringOf(block.text);
  if (text === undefined || text === "") return undefined;
  const part: TextPart = { type: "text", text };
  if (isObject(block.cache_control)) part.cacheControl = block.cache_control as JsonValue;
  return part;
}

function blocksOf(content: unknown): AnthropicContentBlock[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((block): block is AnthropicContentBlock => isObject(block) && typeof block.type === "string");
}

/**
 * Messages in order. User turns are split around their `tool_result` blocks so the
 * canonical `tool` messages keep their place relative to the user's text. Mid-conversation
 * `system` messages (a Claude Code beta) have no canonical place and join the system prompt.
 */
function decodeMessages(rawMessages: unknown[], system: TextPart[]): Message[] {
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const raw of rawMessages) {
    if (!isObject(raw)) continue;
    const blocks = blocksOf(raw.content);
    if (raw.role === "system") {
      for (const block of blocks) if (block.type === "text") system.push(...nonEmpty(decodeText(block)));
      continue;
    }
    if (raw.role === "assistant") {
      const content = decodeAssistantBlocks(blocks, toolNames);
      if (content.length > 0) messages.push({ role: "assistant", content });
      continue;
    }
    let run: Message | undefined;
    for (const block of blocks) {
      const role = block.type === "tool_result" ? "tool" : "user";
      const parts = block.type === "tool_result" ? [decodeToolResult(block, toolNames)] : decodeUserBlock(block);
      if (parts.length === 0) continue;
      if (run?.role !== role) {
        run = { role, content: [] };
        messages.push(run);
      }
      run.content.push(...parts);
    }
  }
  return messages;
}

function nonEmpty<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function decodeAssistantBlocks(blocks: AnthropicContentBlock[], toolNames: Map<string, string>): ContentPart[] {
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        parts.push(...nonEmpty(decodeText(block)));
        break;
      case "tool_use": {
        const id = stringOf(block.id) ?? "";
        const name = stringOf(block.name) ?? "";
        toolNames.set(id, name);
        parts.push({ type: "tool-call", id, name, arguments: JSON.stringify(block.input ?? {}) });
        break;
      }
      case "thinking":
        parts.push({ type: "reasoning", text: stringOf(block.thinking) ?? "", ...openSignature(stringOf(block.signature)) });
        break;
      case "redacted_thinking":
        parts.push({ type: "reasoning", text: "", redactedData: stringOf(block.data) ?? "", origin: "anthropic" });
        break;
      // Server tool blocks (server_tool_use, web_search_tool_result …) only mean something to Anthropic.
    }
  }
  return parts;
}

function decodeUserBlock(block: AnthropicContentBlock): Array<TextPart | ImagePart | FilePart> {
  switch (block.type) {
    case "text":
      return nonEmpty(decodeText(block));
    case "image":
      return nonEmpty(decodeImage(block.source));
    case "document":
      return decodeDocument(block.source, stringOf(block.title) ?? undefined);
    default:
      return [];
  }
}

function decodeImage(source: AnthropicSource | undefined): ImagePart | FilePart | undefined {
  if (!isObject(source)) return undefined;
  if (source.type === "base64") {
    return { type: "image", mediaType: stringOf(source.media_type), data: stringOf(source.data) ?? "" };
  }
  if (source.type === "url" && typeof source.url === "string") return { type: "image", url: source.url };
  if (source.type === "file" && typeof source.file_id === "string") return { type: "file", fileId: source.file_id };
  return undefined;
}

function decodeDocument(source: AnthropicSource | undefined, filename: string | undefined): Array<TextPart | FilePart> {
  if (!isObject(source)) return [];
  const named = filename === undefined ? {} : { filename };
  switch (source.type) {
    case "base64":
      return [{ type: "file", mediaType: stringOf(source.media_type) ?? "application/pdf", data: stringOf(source.data) ?? "", ...named }];
    case "url":
      // Anthropic fetches URL documents as PDFs.
      return typeof source.url === "string" ? [{ type: "file", mediaType: "application/pdf", url: source.url, ...named }] : [];
    case "text": {
      const text = stringOf(source.data) ?? "";
      return [{ type: "file", mediaType: stringOf(source.media_type) ?? "text/plain", data: Buffer.from(text).toString("base64"), ...named }];
    }
    case "content":
      return blocksOf(source.content).flatMap((block) => (block.type === "text" ? nonEmpty(decodeText(block)) : []));
    case "file":
      return typeof source.file_id === "string" ? [{ type: "file", fileId: source.file_id, ...named }] : [];
    default:
      return [];
  }
}

function decodeToolResult(block: AnthropicContentBlock & { type: "tool_result" }, toolNames: Map<string, string>): ToolResultPart {
  const callId = stringOf(block.tool_use_id) ?? "";
  const content: Array<TextPart | ImagePart> = [];
  for (const inner of blocksOf(block.content)) {
    if (inner.type === "text") content.push(...nonEmpty(decodeText(inner)));
    else if (inner.type === "image") {
      const image = decodeImage(inner.source);
      if (image?.type === "image") content.push(image);
    } else if (inner.type === "document" && isObject(inner.source) && inner.source.type === "text") {
      content.push(...nonEmpty(decodeText({ text: inner.source.data })));
    } else if (inner.type === "tool_reference" && typeof inner.tool_name === "string") {
      // Anthropic expands the reference into the tool's definition; elsewhere the tool joins `tools`.
      content.push({ type: "text", text: `Tool loaded: ${inner.tool_name}` });
    }
  }
  const part: ToolResultPart = { type: "tool-result", callId, content };
  const name = toolNames.get(callId);
  if (name) part.name = name;
  if (block.is_error === true) part.isError = true;
  return part;
}

/**
 * Names of `defer_loading` tools a client-side tool search has loaded: `tool_reference`
 * blocks inside tool results (Claude Code's ToolSearch answers with them).
 */
function loadedToolNames(messages: unknown[]): Set<string> {
  const names = new Set<string>();
  for (const message of messages) {
    if (!isObject(message)) continue;
    for (const block of blocksOf(message.content)) {
      if (block.type !== "tool_result") continue;
      for (const inner of blocksOf(block.content)) {
        if (inner.type === "tool_reference" && typeof inner.tool_name === "string") names.add(inner.tool_name);
      }
    }
  }
  return names;
}

/**
 * Client tools. A `defer_loading` tool is invisible to the model on Anthropic until a tool
 * search loads it, so it is left out until then: other providers would otherwise see (and
 * call) every deferred tool, such as Claude Code's `DeferredToolPlaceholder` ("never call
 * this tool") or a large deferred MCP tool set.
 */
function decodeTools(tools: unknown, loaded: ReadonlySet<string>): Tool[] {
  if (!Array.isArray(tools)) return [];
  const decoded: Tool[] = [];
  for (const tool of tools) {
    // Versioned server tools (web_search_20250305, bash_20250124 …) run at Anthropic only.
    if (!isObject(tool) || typeof tool.name !== "string") continue;
    if (tool.type !== undefined && tool.type !== "custom") continue;
    if (tool.defer_loading === true && !loaded.has(tool.name)) continue;
    const decodedTool: Tool = { type: "function", name: tool.name };
    if (typeof tool.description === "string") decodedTool.description = tool.description;
    if (tool.input_schema !== undefined) decodedTool.parameters = tool.input_schema as JsonValue;
    if (typeof tool.strict === "boolean") decodedTool.strict = tool.strict;
    decoded.push(decodedTool);
  }
  return decoded;
}

function decodeToolChoice(choice: Record<string, unknown>): ToolChoice | undefined {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return typeof choice.name === "string" ? { name: choice.name } : "required";
    default:
      return undefined;
  }
}

/**
 * `thinking: {type: "adaptive"}` + `output_config.effort` (Claude Code ≥ 2.1) → enabled with an
 * effort; `{type: "enabled", budget_tokens}` → enabled with a budget; `disabled` → off.
 * `display: "omitted"` asks for thinking without its text.
 */
function decodeReasoning(body: AnthropicRequest): ReasoningConfig | undefined {
  const effortValue = isObject(body.output_config) ? body.output_config.effort : undefined;
  const effort = EFFORTS.has(effortValue as ReasoningEffort) ? (effortValue as ReasoningEffort) : undefined;
  const thinking = body.thinking;
  if (!isObject(thinking)) return undefined;
  if (thinking.type === "disabled") return { enabled: false };
  if (thinking.type !== "enabled" && thinking.type !== "adaptive") return undefined;
  const reasoning: ReasoningConfig = { enabled: true };
  if (effort) reasoning.effort = effort;
  const budget = numberOf(thinking.budget_tokens);
  if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  if (thinking.display === "omitted") reasoning.includeThoughts = false;
  else if (thinking.display === "summarized") reasoning.includeThoughts = true;
  return reasoning;
}

/** Structured outputs: `output_config.format` (GA) or the older beta `output_format`. */
function decodeResponseFormat(body: AnthropicRequest): ResponseFormat | undefined {
  const format = isObject(body.output_config) && isObject(body.output_config.format) ? body.output_config.format : body.output_format;
  if (!isObject(format) || format.type !== "json_schema" || format.schema === undefined) return undefined;
  return { type: "json-schema", schema: format.schema as JsonValue };
}
