import type {
  CanonicalRequest,
  ContentPart,
  FilePart,
  ImagePart,
  JsonValue,
  Message,
  ReasoningConfig,
  ReasoningEffort,
  ReasoningPart,
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
import { unwrapForeignReasoning } from "./reasoning-envelope.ts";
import { canonicalToolName, namespacesExtra, TOOL_NAMESPACES_EXTRA, type WireToolName } from "./tool-namespaces.ts";
import type {
  WireContentPart,
  WireCustomToolCallItem,
  WireFunctionCallItem,
  WireInputItem,
  WireMessageItem,
  WireReasoningItem,
  WireRequest,
  WireTool,
  WireToolOutputItem,
} from "./wire-types.ts";

/** Request fields the canonical model covers; every other top-level field goes to `extras`. */
const MODELLED_FIELDS = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "reasoning",
  "text",
  "stream",
  "user",
]);

const EFFORTS = new Set<string>(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);

export const REASONING_ORIGIN = "openai-responses";

export interface DecodeOptions {
  /** `/v1/responses/input_tokens` does not require a model. */
  requireModel?: boolean;
}

/** A Responses request (what Codex CLI sends to `POST /v1/responses`) → canonical. */
export function decodeRequest(body: JsonObject, context: RequestContext = {}, options: DecodeOptions = {}): CanonicalRequest {
  const request = body as WireRequest;
  const model = typeof request.model === "string" && request.model !== "" ? request.model : context.model;
  if ((options.requireModel ?? true) && !model) {
    throw new GatewayError("bad_request", "Missing required parameter: 'model'.", { param: "model" });
  }
  const input = request.input;
  if (typeof input !== "string" && !Array.isArray(input)) {
    throw new GatewayError("bad_request", "Missing required parameter: 'input'.", { param: "input" });
  }

  const extras: Record<string, JsonValue> = {};
  for (const key of Object.keys(request)) {
    if (!MODELLED_FIELDS.has(key) && request[key] !== undefined) extras[key] = request[key] as JsonValue;
  }

  const items: WireInputItem[] = typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
  const tools = decodeTools(request.tools, items);
  if (tools.unsupported.length > 0) extras.tools = tools.unsupported;
  if (tools.namespaces.size > 0) extras[TOOL_NAMESPACES_EXTRA] = namespacesExtra(tools.namespaces);

  const system: TextPart[] = [];
  if (typeof request.instructions === "string" && request.instructions !== "") system.push({ type: "text", text: request.instructions });
  const messages = decodeItems(items, system, tools.resolve);

  const canonical: CanonicalRequest = {
    model: model ?? "",
    system,
    messages,
    tools: tools.tools,
    stream: request.stream === true,
    extras,
  };
  const toolChoice = decodeToolChoice(request.tool_choice, tools.resolve);
  if (toolChoice) canonical.toolChoice = toolChoice;
  else if (request.tool_choice !== undefined) extras.tool_choice = request.tool_choice as JsonValue;
  if (typeof request.parallel_tool_calls === "boolean") canonical.parallelToolCalls = request.parallel_tool_calls;
  if (typeof request.max_output_tokens === "number") canonical.maxOutputTokens = request.max_output_tokens;
  if (typeof request.temperature === "number") canonical.temperature = request.temperature;
  if (typeof request.top_p === "number") canonical.topP = request.top_p;
  if (typeof request.user === "string") canonical.user = request.user;

  const reasoning = decodeReasoningConfig(request.reasoning, extras);
  if (reasoning) canonical.reasoning = reasoning;

  const text = request.text;
  if (text && typeof text === "object") {
    const format = decodeTextFormat(text.format);
    if (format) canonical.responseFormat = format;
    const { format: _format, ...rest } = text;
    if (Object.keys(rest).length > 0) extras.text = rest as JsonValue;
  }
  return canonical;
}

// ---------------------------------------------------------------- tools

interface DecodedTools {
  tools: Tool[];
  unsupported: JsonValue[];
  namespaces: Map<string, WireToolName>;
  /** A wire tool name (with its namespace, if any) → the canonical name. */
  resolve(name: string, namespace?: string): string;
}

/** Tools from `tools` and from Codex's `additional_tools` input items, namespaces flattened. */
function decodeTools(topLevel: WireTool[] | undefined, items: readonly WireInputItem[]): DecodedTools {
  const declared: Array<{ tool: WireTool; namespace?: string }> = [];
  const unsupported: JsonValue[] = [];
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const tool of list as WireTool[]) {
      if (!tool || typeof tool !== "object") continue;
      if (tool.type === "namespace" && Array.isArray(tool.tools)) {
        for (const child of tool.tools) {
          if (child && (child.type === "function" || child.type === "custom")) declared.push({ tool: child, namespace: tool.name });
          else unsupported.push({ ...(child as object), namespace: tool.name ?? null } as JsonValue);
        }
      } else if (tool.type === "function" || tool.type === "custom") declared.push({ tool });
      else unsupported.push(tool as JsonValue);
    }
  };
  collect(topLevel);
  for (const item of items) if (item && item.type === "additional_tools") collect(item.tools);

  const nameCounts = new Map<string, number>();
  for (const { tool } of declared) if (typeof tool.name === "string") nameCounts.set(tool.name, (nameCounts.get(tool.name) ?? 0) + 1);
  const collides = (name: string) => (nameCounts.get(name) ?? 0) > 1;
  const resolve = (name: string, namespace?: string) => canonicalToolName(name, namespace, collides);

  const tools: Tool[] = [];
  const namespaces = new Map<string, WireToolName>();
  for (const { tool, namespace } of declared) {
    if (typeof tool.name !== "string" || tool.name === "") continue;
    const name = resolve(tool.name, namespace);
    if (namespace !== undefined) namespaces.set(name, { name: tool.name, namespace });
    if (tool.type === "function") {
      const decoded: Tool = { type: "function", name };
      if (typeof tool.description === "string" && tool.description !== "") decoded.description = tool.description;
      if (tool.parameters !== undefined && tool.parameters !== null) decoded.parameters = tool.parameters as JsonValue;
      if (typeof tool.strict === "boolean") decoded.strict = tool.strict;
      tools.push(decoded);
    } else {
      const decoded: Tool = { type: "custom", name };
      if (typeof tool.description === "string" && tool.description !== "") decoded.description = tool.description;
      if (tool.format !== undefined) decoded.format = tool.format as JsonValue;
      tools.push(decoded);
    }
  }
  return { tools, unsupported, namespaces, resolve };
}

function decodeToolChoice(choice: WireRequest["tool_choice"], resolve: DecodedTools["resolve"]): ToolChoice | undefined {
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (!choice || typeof choice !== "object") return undefined;
  if ((choice.type === "function" || choice.type === "custom") && typeof choice.name === "string") {
    return { name: resolve(choice.name, typeof choice.namespace === "string" ? choice.namespace : undefined) };
  }
  // `{type:"allowed_tools", mode, tools}` narrows the set; its mode is the closest canonical choice.
  if (choice.type === "allowed_tools" && (choice.mode === "auto" || choice.mode === "required")) return choice.mode;
  return undefined;
}

// ---------------------------------------------------------------- reasoning and format

function decodeReasoningConfig(reasoning: WireRequest["reasoning"], extras: Record<string, JsonValue>): ReasoningConfig | undefined {
  if (!reasoning || typeof reasoning !== "object") return undefined;
  const { effort, summary, ...rest } = reasoning;
  if (Object.keys(rest).length > 0) extras.reasoning = rest as JsonValue;
  const config: ReasoningConfig = { enabled: effort !== "none" };
  if (typeof effort === "string" && EFFORTS.has(effort)) config.effort = effort as ReasoningEffort;
  if (typeof summary === "string") {
    config.summary = summary;
    config.includeThoughts = summary !== "none";
  }
  return config;
}

function decodeTextFormat(format: unknown): ResponseFormat | undefined {
  if (!format || typeof format !== "object") return undefined;
  const value = format as { type?: string; name?: string; schema?: JsonValue; strict?: boolean | null };
  if (value.type === "json_object") return { type: "json" };
  if (value.type === "text") return { type: "text" };
  if (value.type === "json_schema") {
    const decoded: ResponseFormat = { type: "json-schema", schema: value.schema ?? {} };
    if (typeof value.name === "string") decoded.name = value.name;
    if (typeof value.strict === "boolean") decoded.strict = value.strict;
    return decoded;
  }
  return undefined;
}

// ---------------------------------------------------------------- input items

/**
 * Input items → canonical messages. Consecutive model-side items (reasoning, assistant
 * text, tool calls) form one assistant message; consecutive tool outputs form one tool
 * message. System / developer messages before the conversation become the system prompt;
 * later ones (Codex inserts permission and mode updates mid-conversation) become user
 * turns, which keeps their position and the cacheable prefix intact.
 */
function decodeItems(items: readonly WireInputItem[], system: TextPart[], resolve: DecodedTools["resolve"]): Message[] {
  const messages: Message[] = [];
  const callNames = new Map<string, { name: string; kind: "function" | "custom" }>();
  const current = (role: Message["role"]): Message => {
    const last = messages.at(-1);
    if (last && last.role === role) return last;
    const message: Message = { role, content: [] };
    messages.push(message);
    return message;
  };

  for (const item of items) {
    if (!item || typeof item !== "object") continue;
    const type = item.type ?? ("role" in item ? "message" : undefined);
    switch (type) {
      case "message": {
        const message = item as WireMessageItem;
        if (message.role === "system" || message.role === "developer") {
          const texts = decodeTexts(message.content);
          if (messages.length === 0) system.push(...texts);
          else if (texts.length > 0) current("user").content.push(...texts);
        } else if (message.role === "assistant") {
          const texts = decodeTexts(message.content);
          if (texts.length > 0) current("assistant").content.push(...texts);
        } else {
          const parts = decodeUserContent(message.content);
          if (parts.length > 0) messages.push({ role: "user", content: parts });
        }
        break;
      }
      case "function_call":
      case "custom_tool_call": {
        const call = item as WireFunctionCallItem | WireCustomToolCallItem;
        const kind = call.type === "custom_tool_call" ? "custom" : "function";
        const name = resolve(call.name ?? "", call.namespace);
        const part: ToolCallPart = {
          type: "tool-call",
          id: call.call_id ?? call.id ?? "",
          name,
          arguments: call.type === "custom_tool_call" ? (call.input ?? "") : (call.arguments ?? ""),
          kind,
        };
        callNames.set(part.id, { name, kind });
        current("assistant").content.push(part);
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        const output = item as WireToolOutputItem;
        const callId = output.call_id ?? "";
        const call = callNames.get(callId);
        const part: ToolResultPart = {
          type: "tool-result",
          callId,
          content: decodeToolOutput(output.output),
          kind: output.type === "custom_tool_call_output" ? "custom" : "function",
        };
        if (call) part.name = call.name;
        current("tool").content.push(part);
        break;
      }
      case "reasoning":
        current("assistant").content.push(decodeReasoningItem(item as WireReasoningItem));
        break;
      default:
        // additional_tools were read with the tools; item_reference, compaction, built-in
        // tool calls (web_search_call …) have no canonical form and are left out.
        break;
    }
  }
  return messages;
}

/** A reasoning item → canonical, unpacking reasoning this gateway relayed from another vendor. */
export function decodeReasoningItem(item: WireReasoningItem): ReasoningPart {
  const summary = (item.summary ?? []).map((part) => part?.text ?? "").filter((text) => text !== "");
  const content = (item.content ?? []).map((part) => part?.text ?? "").filter((text) => text !== "");
  const part: ReasoningPart = { type: "reasoning", text: (summary.length > 0 ? summary : content).join("\n\n") };
  const encrypted = item.encrypted_content;
  const foreign = typeof encrypted === "string" ? unwrapForeignReasoning(encrypted) : undefined;
  if (foreign) {
    if (foreign.origin) part.origin = foreign.origin;
    if (foreign.signature) part.signature = foreign.signature;
    if (foreign.redactedData) part.redactedData = foreign.redactedData;
    return part;
  }
  if (typeof encrypted === "string" && encrypted !== "") part.encryptedContent = encrypted;
  if (typeof item.id === "string" && item.id !== "") part.itemId = item.id;
  part.origin = REASONING_ORIGIN;
  return part;
}

function decodeTexts(content: WireMessageItem["content"]): TextPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const texts: TextPart[] = [];
  for (const part of content) {
    const text = textOf(part);
    if (text !== undefined) texts.push({ type: "text", text });
  }
  return texts;
}

function textOf(part: WireContentPart): string | undefined {
  if (!part || typeof part !== "object") return undefined;
  if (part.type === "refusal") return typeof part.refusal === "string" ? part.refusal : undefined;
  if (part.type === "input_image" || part.type === "input_file") return undefined;
  return typeof part.text === "string" ? part.text : undefined;
}

function decodeUserContent(content: WireMessageItem["content"]): ContentPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (!part || typeof part !== "object") continue;
    if (part.type === "input_image") {
      const image = decodeImage(part);
      if (image) parts.push(image);
    } else if (part.type === "input_file") {
      parts.push(decodeFile(part));
    } else {
      const text = textOf(part);
      if (text !== undefined) parts.push({ type: "text", text });
    }
  }
  return parts;
}

/** An image by URL or inline data; an uploaded image (`file_id`) becomes a file part with an image media type. */
function decodeImage(part: WireContentPart): ImagePart | FilePart | undefined {
  const url = typeof part.image_url === "string" && part.image_url !== "" ? part.image_url : undefined;
  if (!url) return typeof part.file_id === "string" ? { type: "file", fileId: part.file_id, mediaType: "image/*" } : undefined;
  const image: ImagePart = { type: "image" };
  const inline = parseDataUrl(url);
  if (inline) {
    image.mediaType = inline.mediaType;
    image.data = inline.data;
  } else image.url = url;
  if (typeof part.detail === "string") image.detail = part.detail;
  return image;
}

function decodeFile(part: WireContentPart): FilePart {
  const file: FilePart = { type: "file" };
  const data = typeof part.file_data === "string" ? part.file_data : undefined;
  const inline = data ? parseDataUrl(data) : undefined;
  if (inline) {
    file.mediaType = inline.mediaType;
    file.data = inline.data;
  } else if (data) file.data = data;
  if (typeof part.file_url === "string") file.url = part.file_url;
  if (typeof part.file_id === "string") file.fileId = part.file_id;
  if (typeof part.filename === "string") file.filename = part.filename;
  return file;
}

function decodeToolOutput(output: WireToolOutputItem["output"]): Array<TextPart | ImagePart> {
  if (typeof output === "string") return [{ type: "text", text: output }];
  if (!Array.isArray(output)) return [];
  const parts: Array<TextPart | ImagePart> = [];
  for (const part of output) {
    if (!part || typeof part !== "object") continue;
    if (part.type === "input_image") {
      const image = decodeImage(part);
      if (image?.type === "image") parts.push(image);
      else if (image) parts.push({ type: "text", text: `[image file: ${image.fileId}]` });
    } else if (part.type === "input_file") {
      // Tool results carry text and images only; name the file so the model knows it existed.
      const name = typeof part.filename === "string" ? part.filename : "file";
      parts.push({ type: "text", text: `[file: ${name}]` });
    } else {
      const text = textOf(part);
      if (text !== undefined) parts.push({ type: "text", text });
    }
  }
  return parts;
}
