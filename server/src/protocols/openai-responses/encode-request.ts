import type {
  CanonicalRequest,
  ContentPart,
  FilePart,
  ImagePart,
  JsonValue,
  ReasoningEffort,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from "../../core/canonical.ts";
import type { EncodedRequest, JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { toDataUrl } from "./data-url.ts";
import { REASONING_ORIGIN } from "./decode-request.ts";
import type { WireInputItem, WireTool } from "./wire-types.ts";

/** Built-in Responses tools that may travel in `extras.tools` (a Responses client's own). */
const BUILT_IN_TOOLS = new Set([
  "web_search",
  "web_search_preview",
  "file_search",
  "code_interpreter",
  "image_generation",
  "local_shell",
  "shell",
  "mcp",
  "computer_use_preview",
  "apply_patch",
  "tool_search",
]);
const SERVICE_TIERS = new Set(["auto", "default", "flex", "priority", "scale"]);
const VERBOSITIES = new Set(["low", "medium", "high"]);
/** The Responses API rejects `max_output_tokens` below 16. */
const MIN_OUTPUT_TOKENS = 16;
/** `user` and `safety_identifier` are capped at 64 characters. */
const MAX_USER_LENGTH = 64;

/**
 * Canonical → a Responses request for an upstream. Always `store: false` (the gateway keeps
 * no server-side state), so reasoning travels as `encrypted_content`, which we ask for
 * whenever reasoning is on.
 */
export function encodeRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings: string[] = [];
  const body: JsonObject = { model: target.model };

  const instructions = request.system.map((part) => part.text).filter((text) => text !== "").join("\n\n");
  if (instructions !== "") body.instructions = instructions;
  body.input = encodeMessages(request, warnings);

  const tools = encodeTools(request, warnings);
  if (tools.length > 0) body.tools = tools;
  const toolChoice = encodeToolChoice(request);
  if (toolChoice !== undefined && (tools.length > 0 || toolChoice === "none")) body.tool_choice = toolChoice;
  if (request.parallelToolCalls !== undefined && tools.length > 0) body.parallel_tool_calls = request.parallelToolCalls;

  if (request.maxOutputTokens !== undefined) {
    if (request.maxOutputTokens < MIN_OUTPUT_TOKENS) {
      warnings.push(`max output tokens raised from ${request.maxOutputTokens} to ${MIN_OUTPUT_TOKENS}, the Responses API minimum`);
    }
    body.max_output_tokens = Math.max(request.maxOutputTokens, MIN_OUTPUT_TOKENS);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.push("top_k is not supported by the Responses API and was dropped");
  if (request.stopSequences?.length) warnings.push("stop sequences are not supported by the Responses API and were dropped");
  if (request.seed !== undefined) warnings.push("seed is not supported by the Responses API and was dropped");
  if (request.presencePenalty !== undefined || request.frequencyPenalty !== undefined) {
    warnings.push("presence / frequency penalties are not supported by the Responses API and were dropped");
  }

  const text: JsonObject = {};
  const format = request.responseFormat;
  if (format?.type === "json") text.format = { type: "json_object" };
  else if (format?.type === "json-schema") {
    text.format = { type: "json_schema", name: format.name ?? "response", schema: format.schema, strict: format.strict ?? false };
  }
  const verbosity = extraObject(request, "text")?.verbosity;
  if (typeof verbosity === "string" && VERBOSITIES.has(verbosity)) text.verbosity = verbosity;
  if (Object.keys(text).length > 0) body.text = text;

  const reasoning = request.reasoning;
  if (reasoning?.enabled) {
    const config: JsonObject = {};
    const effort = encodeEffort(reasoning.effort, reasoning.budgetTokens);
    if (effort) config.effort = effort;
    const summary = reasoning.summary ?? (reasoning.includeThoughts ? "auto" : undefined);
    if (summary && summary !== "none") config.summary = summary;
    body.reasoning = config;
    body.include = ["reasoning.encrypted_content"];
  }

  if (request.user !== undefined) {
    if (request.user.length <= MAX_USER_LENGTH) body.safety_identifier = request.user;
    else warnings.push(`the end-user id is longer than ${MAX_USER_LENGTH} characters and was dropped`);
  }
  copyExtras(request, body);
  body.store = false;
  body.stream = target.stream;
  return { body, warnings };
}

// ---------------------------------------------------------------- messages

function encodeMessages(request: CanonicalRequest, warnings: string[]): WireInputItem[] {
  // Custom tool results must come back as `custom_tool_call_output`, whatever the client said.
  const callKinds = new Map<string, "function" | "custom">();
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === "tool-call") callKinds.set(part.id, part.kind ?? "function");
  }

  const items: WireInputItem[] = [];
  let droppedReasoning = 0;
  for (const message of request.messages) {
    if (message.role === "assistant") {
      let texts: TextPart[] = [];
      const flushTexts = () => {
        if (texts.length === 0) return;
        items.push({
          type: "message",
          role: "assistant",
          content: texts.map((part) => ({ type: "output_text", text: part.text, annotations: [] })),
        });
        texts = [];
      };
      for (const part of message.content) {
        if (part.type === "text") texts.push(part);
        else if (part.type === "reasoning") {
          flushTexts();
          const item = encodeReasoning(part);
          if (item) items.push(item);
          else droppedReasoning++;
        } else if (part.type === "tool-call") {
          flushTexts();
          items.push(encodeToolCall(part));
        } else if (part.type === "tool-result") {
          flushTexts();
          items.push(encodeToolResult(part, callKinds));
        } else {
          warnings.push(`an assistant ${part.type} part cannot be sent to the Responses API and was dropped`);
        }
      }
      flushTexts();
      continue;
    }
    // user and tool messages: tool results become their own items, in order with the rest.
    let content: JsonObject[] = [];
    const flushContent = () => {
      if (content.length === 0) return;
      items.push({ type: "message", role: "user", content });
      content = [];
    };
    for (const part of message.content) {
      if (part.type === "tool-result") {
        flushContent();
        items.push(encodeToolResult(part, callKinds));
      } else {
        const encoded = encodeUserPart(part, warnings);
        if (encoded) content.push(encoded);
      }
    }
    flushContent();
  }
  if (droppedReasoning > 0) {
    warnings.push(`${droppedReasoning} reasoning block(s) from another vendor (or without encrypted content) were dropped`);
  }
  return items;
}

/** Only reasoning this wire produced can be replayed: its `encrypted_content` is opaque to anyone else. */
function encodeReasoning(part: ReasoningPart): WireInputItem | undefined {
  if (part.origin !== REASONING_ORIGIN || !part.encryptedContent) return undefined;
  const item: JsonObject = {
    type: "reasoning",
    summary: part.text === "" ? [] : [{ type: "summary_text", text: part.text }],
    encrypted_content: part.encryptedContent,
  };
  if (part.itemId) item.id = part.itemId;
  return item as WireInputItem;
}

function encodeToolCall(part: ToolCallPart): WireInputItem {
  if (part.kind === "custom") return { type: "custom_tool_call", call_id: part.id, name: part.name, input: part.arguments };
  return { type: "function_call", call_id: part.id, name: part.name, arguments: part.arguments };
}

function encodeToolResult(part: ToolResultPart, callKinds: ReadonlyMap<string, "function" | "custom">): WireInputItem {
  const kind = callKinds.get(part.callId) ?? part.kind ?? "function";
  const type = kind === "custom" ? "custom_tool_call_output" : "function_call_output";
  // One text part travels as a plain string, the common shape; anything richer as content parts.
  const single = part.content.length === 1 && part.content[0].type === "text" ? part.content[0].text : undefined;
  const output =
    single ??
    (part.content.length === 0
      ? ""
      : part.content.map((content) => (content.type === "text" ? { type: "input_text", text: content.text } : encodeImage(content))));
  return { type, call_id: part.callId, output } as WireInputItem;
}

function encodeUserPart(part: ContentPart, warnings: string[]): JsonObject | undefined {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image":
      return encodeImage(part);
    case "file":
      return encodeFile(part, warnings);
    default:
      warnings.push(`a user ${part.type} part cannot be sent to the Responses API and was dropped`);
      return undefined;
  }
}

function encodeImage(part: ImagePart): JsonObject {
  const url = part.data !== undefined ? toDataUrl(part.mediaType, part.data) : part.url;
  // `detail` is required by the API; "auto" is its documented default.
  return { type: "input_image", image_url: url ?? null, detail: part.detail ?? "auto" };
}

function encodeFile(part: FilePart, warnings: string[]): JsonObject | undefined {
  if (part.mediaType?.startsWith("image/") && part.data === undefined && part.url === undefined && part.fileId) {
    return { type: "input_image", file_id: part.fileId, detail: "auto" };
  }
  const file: JsonObject = { type: "input_file" };
  if (part.data !== undefined) {
    file.file_data = toDataUrl(part.mediaType, part.data);
    // The API wants a filename with inline data.
    file.filename = part.filename ?? `file${extensionOf(part.mediaType)}`;
  } else if (part.fileId) file.file_id = part.fileId;
  else if (part.url) file.file_url = part.url;
  else {
    warnings.push("a file part without data, URL or file id was dropped");
    return undefined;
  }
  if (part.filename && file.filename === undefined) file.filename = part.filename;
  return file;
}

function extensionOf(mediaType: string | undefined): string {
  if (mediaType === "application/pdf") return ".pdf";
  if (mediaType?.startsWith("text/")) return ".txt";
  return "";
}

// ---------------------------------------------------------------- tools and settings

function encodeTools(request: CanonicalRequest, warnings: string[]): WireTool[] {
  const tools: WireTool[] = request.tools.map((tool) => {
    if (tool.type === "custom") {
      const custom: WireTool = { type: "custom", name: tool.name };
      if (tool.description) custom.description = tool.description;
      if (tool.format !== undefined) custom.format = tool.format;
      return custom;
    }
    return {
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      // `parameters` is required; an absent schema means "no arguments".
      parameters: tool.parameters ?? { type: "object", properties: {} },
      strict: tool.strict ?? false,
    };
  });
  const extra = request.extras.tools;
  if (Array.isArray(extra)) {
    for (const tool of extra) {
      const type = tool && typeof tool === "object" && !Array.isArray(tool) ? tool.type : undefined;
      if (typeof type === "string" && BUILT_IN_TOOLS.has(type)) tools.push(tool as WireTool);
      else warnings.push(`tool of type ${String(type)} is not supported by the Responses API and was dropped`);
    }
  }
  return tools;
}

function encodeToolChoice(request: CanonicalRequest): JsonValue | undefined {
  const choice = request.toolChoice;
  if (choice === undefined || typeof choice === "string") return choice;
  const tool = request.tools.find((candidate) => candidate.name === choice.name);
  return { type: tool?.type === "custom" ? "custom" : "function", name: choice.name };
}

function encodeEffort(effort: ReasoningEffort | undefined, budgetTokens: number | undefined): string | undefined {
  if (effort === "max") return "xhigh";
  if (effort) return effort;
  if (budgetTokens === undefined) return undefined;
  if (budgetTokens <= 2048) return "low";
  if (budgetTokens <= 16384) return "medium";
  return "high";
}

function extraObject(request: CanonicalRequest, key: string): Record<string, JsonValue> | undefined {
  const value = request.extras[key];
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/**
 * A few extras mean the same on every OpenAI wire and are safe to forward; values are
 * checked because other wires use the same names differently (Anthropic's `service_tier`).
 */
function copyExtras(request: CanonicalRequest, body: JsonObject): void {
  const { extras } = request;
  if (typeof extras.prompt_cache_key === "string" && extras.prompt_cache_key.length <= MAX_USER_LENGTH) {
    body.prompt_cache_key = extras.prompt_cache_key;
  }
  if (typeof extras.service_tier === "string" && SERVICE_TIERS.has(extras.service_tier)) body.service_tier = extras.service_tier;
  if (typeof extras.safety_identifier === "string" && body.safety_identifier === undefined) {
    body.safety_identifier = extras.safety_identifier;
  }
  if (extras.truncation === "auto" || extras.truncation === "disabled") body.truncation = extras.truncation;
}
