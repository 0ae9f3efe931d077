import type {
  CanonicalRequest,
  ContentPart,
  FilePart,
  ImagePart,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  Tool,
  ToolResultPart,
} from "../../core/canonical.ts";
import type { EncodedRequest, JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { ANTHROPIC_ORIGIN } from "./reasoning-envelope.ts";
import type { AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock, AnthropicTool } from "./wire-types.ts";
import { isObject, parseJson } from "../../core/json-values.ts";
import { GatewayError, UnsupportedByProvider } from "../../core/errors.ts";
import { fitOutputSchema } from "./output-schema.ts";

/** `max_tokens` is required by Anthropic; used when the client set no limit. */
export const DEFAULT_MAX_TOKENS = 8192;
/** The default limit when thinking is on: room for a large budget plus the answer. */
export const DEFAULT_THINKING_MAX_TOKENS = 32000;
/** Anthropic's smallest accepted `budget_tokens`. */
export const MIN_THINKING_BUDGET = 1024;
/** Tokens left for the answer when `max_tokens` has to grow to fit the thinking budget. */
const ANSWER_HEADROOM = 4096;

/** Thinking budgets for canonical efforts; all stay below DEFAULT_THINKING_MAX_TOKENS. */
export const BUDGET_BY_EFFORT: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 28672,
};

/**
 * Canonical → an Anthropic Messages request body. What Anthropic cannot take is dropped
 * with a warning: foreign reasoning, seed, penalties, file ids, plain JSON mode (becomes a system
 * instruction), sampling knobs thinking forbids. A JSON schema goes to Anthropic's own
 * structured outputs. https://docs.claude.com/en/api/messages
 */
export function encodeRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings: string[] = [];
  const body: JsonObject = { model: target.model };

  const messages = encodeMessages(request, warnings);
  const system: AnthropicTextBlock[] = request.system.filter((part) => part.text !== "").map(encodeText);
  const formatInstruction = responseFormatInstruction(request.responseFormat, warnings);
  if (formatInstruction) system.push({ type: "text", text: formatInstruction });
  if (system.length > 0) body.system = system;
  body.messages = messages;
  const outputFormat = encodeOutputFormat(request.responseFormat, warnings);
  if (outputFormat) body.output_config = { format: outputFormat };

  const tools = request.tools.map((tool) => encodeTool(tool, warnings));
  const toolChoice = tools.length > 0 ? encodeToolChoice(request) : undefined;
  if (tools.length > 0) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;

  let budget = thinkingBudget(request);
  if (budget !== undefined && (toolChoice?.type === "any" || toolChoice?.type === "tool")) {
    // Anthropic rejects thinking together with a forced tool choice.
    warnings.push("thinking was disabled: Anthropic does not allow it with a forced tool choice");
    budget = undefined;
  }
  if (budget !== undefined && !lastToolTurnStartsWithThinking(messages)) {
    // With thinking on, the assistant turn of a running tool loop must start with its (signed) thinking.
    warnings.push("thinking was disabled: the ongoing tool-use turn has no Anthropic thinking block to replay");
    budget = undefined;
  }

  let maxTokens = request.maxOutputTokens ?? (budget === undefined ? DEFAULT_MAX_TOKENS : DEFAULT_THINKING_MAX_TOKENS);
  if (budget !== undefined && budget >= maxTokens) {
    warnings.push(`max_tokens raised from ${maxTokens} to ${budget + ANSWER_HEADROOM} so that the thinking budget (${budget}) fits`);
    maxTokens = budget + ANSWER_HEADROOM;
  }
  body.max_tokens = maxTokens;
  if (budget !== undefined) body.thinking = { type: "enabled", budget_tokens: budget };

  encodeSampling(request, body, budget !== undefined, warnings);
  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.seed !== undefined) warnings.push("seed is not supported by Anthropic and was dropped");
  if (request.presencePenalty !== undefined) warnings.push("presence_penalty is not supported by Anthropic and was dropped");
  if (request.frequencyPenalty !== undefined) warnings.push("frequency_penalty is not supported by Anthropic and was dropped");
  body.stream = target.stream;
  return { body, warnings };
}

/** The thinking budget to request, or undefined for no thinking. */
export function thinkingBudget(request: CanonicalRequest): number | undefined {
  const reasoning = request.reasoning;
  if (!reasoning?.enabled || reasoning.effort === "none") return undefined;
  const budget = reasoning.budgetTokens ?? BUDGET_BY_EFFORT[reasoning.effort ?? "medium"];
  return Math.max(MIN_THINKING_BUDGET, Math.floor(budget));
}

function encodeSampling(request: CanonicalRequest, body: JsonObject, thinking: boolean, warnings: string[]): void {
  let { temperature, topP, topK } = request;
  if (thinking) {
    // https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility
    if (temperature !== undefined && temperature !== 1) warnings.push("temperature was dropped: Anthropic only allows 1 with thinking");
    if (topK !== undefined) warnings.push("top_k was dropped: Anthropic does not allow it with thinking");
    if (topP !== undefined && topP < 0.95) warnings.push("top_p was dropped: Anthropic only allows 0.95–1 with thinking");
    temperature = temperature === 1 ? temperature : undefined;
    topK = undefined;
    topP = topP !== undefined && topP >= 0.95 ? topP : undefined;
  }
  if (temperature !== undefined && temperature > 1) {
    warnings.push(`temperature ${temperature} was lowered to 1, Anthropic's maximum`);
    temperature = 1;
  }
  if (temperature !== undefined && topP !== undefined) {
    // Current Claude models reject requests that set both.
    warnings.push("top_p was dropped: Anthropic does not accept temperature and top_p together");
    topP = undefined;
  }
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (topK !== undefined) body.top_k = topK;
}

function encodeText(part: TextPart): AnthropicTextBlock {
  const block: AnthropicTextBlock = { type: "text", text: part.text };
  if (isObject(part.cacheControl)) block.cache_control = part.cacheControl as AnthropicTextBlock["cache_control"];
  return block;
}

/**
 * Messages alternate user/assistant on Anthropic: consecutive same-role turns merge, tool
 * results become `tool_result` blocks of a user turn, placed before any text of that turn
 * (Anthropic requires them first).
 */
function encodeMessages(request: CanonicalRequest, warnings: string[]): AnthropicMessage[] {
  const messages: Array<{ role: "user" | "assistant"; content: AnthropicContentBlock[] }> = [];
  const customTools = new Set(request.tools.filter((tool) => tool.type === "custom").map((tool) => tool.name));
  let droppedReasoning = 0;
  for (const message of request.messages) {
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks: AnthropicContentBlock[] = [];
    for (const part of message.content) {
      if (part.type === "reasoning" && role === "assistant") {
        const block = encodeReasoning(part);
        if (block) blocks.push(block);
        else droppedReasoning++;
        continue;
      }
      blocks.push(...encodePart(part, role, customTools, warnings));
    }
    if (blocks.length === 0) continue;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  if (droppedReasoning > 0) {
    warnings.push(`${droppedReasoning} reasoning part(s) without an Anthropic signature were dropped`);
  }
  for (const message of messages) {
    if (message.role !== "user") continue;
    const results = message.content.filter((block) => block.type === "tool_result");
    if (results.length > 0) message.content = [...results, ...message.content.filter((block) => block.type !== "tool_result")];
  }
  return messages;
}

function encodeReasoning(part: ContentPart & { type: "reasoning" }): AnthropicContentBlock | undefined {
  if (part.origin !== ANTHROPIC_ORIGIN) return undefined;
  if (part.redactedData) return { type: "redacted_thinking", data: part.redactedData };
  if (part.signature) return { type: "thinking", thinking: part.text, signature: part.signature };
  return undefined;
}

function encodePart(part: ContentPart, role: "user" | "assistant", customTools: Set<string>, warnings: string[]): AnthropicContentBlock[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [encodeText(part)];
    case "image":
      return nonEmpty(encodeImage(part, warnings));
    case "file":
      return nonEmpty(encodeFile(part, warnings));
    case "tool-call": {
      if (role !== "assistant") return [];
      const custom = part.kind === "custom" || customTools.has(part.name);
      return [{ type: "tool_use", id: toolUseId(part.id), name: part.name, input: toolInput(part.arguments, custom, warnings) }];
    }
    case "tool-result":
      return [encodeToolResult(part, warnings)];
    default:
      return [];
  }
}

function nonEmpty<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

/**
 * Anthropic only accepts ids matching `^[a-zA-Z0-9_-]+$`; other vendors' ids (Kimi's
 * `functions.get:0`, say) are rewritten the same way on the call and its result. Only
 * history is rewritten: ids in Anthropic's answers are Anthropic's own.
 */
function toolUseId(id: string): string {
  return id === "" ? "toolu_missing" : id.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/** Tool arguments → the `input` object Anthropic wants; free-form (custom) input is wrapped as `{input}`. */
function toolInput(text: string, custom: boolean, warnings: string[]): Record<string, unknown> {
  if (custom) return { input: text };
  if (text.trim() === "") return {};
  const parsed = parseJson(text);
  if (isObject(parsed)) return parsed;
  warnings.push("tool call arguments that are not a JSON object were wrapped as {\"value\": …}");
  return { value: parsed === undefined ? text : parsed };
}

function encodeToolResult(part: ToolResultPart, warnings: string[]): AnthropicContentBlock {
  const content: AnthropicContentBlock[] = [];
  for (const inner of part.content) {
    if (inner.type === "text") {
      if (inner.text !== "") content.push(encodeText(inner));
    } else {
      const image = encodeImage(inner, warnings);
      if (image) content.push(image);
    }
  }
  const block: AnthropicContentBlock = { type: "tool_result", tool_use_id: toolUseId(part.callId) };
  if (content.length > 0) block.content = content;
  if (part.isError) block.is_error = true;
  return block;
}

/** `data:<media type>;base64,<data>` → its parts. */
function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1] ?? "application/octet-stream", data: match[2] } : undefined;
}

/** Anthropic checks the media type against the bytes; when none is given, the base64 prefix tells. */
function sniffImageType(data: string): string {
  if (data.startsWith("/9j/")) return "image/jpeg";
  if (data.startsWith("R0lGOD")) return "image/gif";
  if (data.startsWith("UklGR")) return "image/webp";
  return "image/png";
}

function encodeImage(part: ImagePart, warnings: string[]): AnthropicContentBlock | undefined {
  if (part.data) return { type: "image", source: { type: "base64", media_type: part.mediaType ?? sniffImageType(part.data), data: part.data } };
  if (part.url?.startsWith("data:")) {
    const inline = parseDataUrl(part.url);
    if (inline) return { type: "image", source: { type: "base64", media_type: inline.mediaType, data: inline.data } };
    warnings.push("an image data URL that is not base64 was dropped");
    return undefined;
  }
  if (part.url) return { type: "image", source: { type: "url", url: part.url } };
  return undefined;
}

/** PDFs become documents, text files text documents, images images; anything else is dropped. */
function encodeFile(part: FilePart, warnings: string[]): AnthropicContentBlock | undefined {
  let { mediaType, data } = part;
  if (!data && part.url?.startsWith("data:")) {
    const inline = parseDataUrl(part.url);
    if (inline) ({ mediaType, data } = { mediaType: mediaType ?? inline.mediaType, data: inline.data });
  }
  const title = part.filename ? { title: part.filename } : {};
  if (data) {
    if (mediaType?.startsWith("image/")) return { type: "image", source: { type: "base64", media_type: mediaType, data } };
    if (mediaType === "application/pdf" || mediaType === undefined) {
      return { type: "document", source: { type: "base64", media_type: "application/pdf", data }, ...title };
    }
    if (mediaType.startsWith("text/")) {
      const text = Buffer.from(data, "base64").toString();
      return { type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title };
    }
    warnings.push(`a file of type ${mediaType} was dropped: Anthropic takes PDF, text and image files only`);
    return undefined;
  }
  if (part.url && !part.url.startsWith("data:")) {
    if (mediaType?.startsWith("image/")) return { type: "image", source: { type: "url", url: part.url } };
    return { type: "document", source: { type: "url", url: part.url }, ...title };
  }
  warnings.push(part.fileId ? `file id ${part.fileId} was dropped: file ids belong to one vendor` : "an empty file part was dropped");
  return undefined;
}

function encodeTool(tool: Tool, warnings: string[]): AnthropicTool {
  if (tool.type === "custom") {
    // Anthropic has no free-form tools: the raw text travels as a string argument.
    warnings.push(`free-form tool ${tool.name} was sent as a function taking {"input": string}`);
    const encoded: AnthropicTool = {
      name: tool.name,
      input_schema: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
    };
    if (tool.description) encoded.description = tool.description;
    return encoded;
  }
  const schema = isObject(tool.parameters) ? tool.parameters : { type: "object", properties: {} };
  const encoded: AnthropicTool = { name: tool.name, input_schema: schema };
  if (tool.description) encoded.description = tool.description;
  if (tool.strict) warnings.push(`strict mode of tool ${tool.name} was dropped`);
  return encoded;
}

function encodeToolChoice(request: CanonicalRequest): JsonObject | undefined {
  const choice = request.toolChoice;
  const serial = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...serial };
  if (typeof choice === "object") return { type: "tool", name: choice.name, ...serial };
  if (choice === "auto" || request.parallelToolCalls === false) return { type: "auto", ...serial };
  return undefined;
}

function lastToolTurnStartsWithThinking(messages: AnthropicMessage[]): boolean {
  const last = messages.at(-1);
  const previous = messages.at(-2);
  if (last?.role !== "user" || previous?.role !== "assistant" || !Array.isArray(previous.content)) return true;
  if (!previous.content.some((block) => block.type === "tool_use")) return true;
  const first = previous.content[0];
  return first?.type === "thinking" || first?.type === "redacted_thinking";
}

/** Plain JSON mode has no Anthropic equivalent (structured outputs need a schema): it becomes a system instruction. */
function responseFormatInstruction(format: ResponseFormat | undefined, warnings: string[]): string | undefined {
  if (format?.type !== "json") return undefined;
  warnings.push("JSON mode was approximated with a system instruction");
  return "Respond with a single valid JSON object and nothing else.";
}

/**
 * A JSON schema → `output_config.format` (structured outputs, GA: no beta header). A strict
 * schema is a promise of conformance: when it uses a keyword Anthropic cannot enforce, the
 * request is refused (400) naming it rather than answered unchecked. A non-strict schema is
 * sent with those keywords moved into a description hint.
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
function encodeOutputFormat(format: ResponseFormat | undefined, warnings: string[]): JsonObject | undefined {
  if (format?.type !== "json-schema") return undefined;
  const { schema, unenforced } = fitOutputSchema(format.schema);
  if (unenforced.length > 0) {
    if (format.strict === true) {
      throw new UnsupportedByProvider(
        `The strict JSON schema cannot be enforced by this Anthropic provider: it does not support ${unenforced.join("; ")}. ` +
          "Remove these keywords or send the schema with strict: false.",
      );
    }
    warnings.push(`JSON schema keywords Anthropic cannot enforce were passed as a description hint: ${unenforced.join("; ")}`);
  }
  return { type: "json_schema", schema };
}
