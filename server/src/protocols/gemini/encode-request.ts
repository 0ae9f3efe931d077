/**
 * Canonical request → Gemini `generateContent` body (the model travels in the URL).
 * What Gemini cannot carry is dropped with a warning, never an error.
 * https://ai.google.dev/api/generate-content#request-body
 */
import type {
  CanonicalRequest,
  ContentPart,
  JsonValue,
  Message,
  ReasoningEffort,
  ReasoningPart,
  ToolCallPart,
  ToolResultPart,
} from "../../core/canonical.ts";
import type { EncodedRequest, JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { encodeMedia } from "./media.ts";
import { forGemini } from "./schema.ts";
import { GEMINI_ORIGIN, SKIP_SIGNATURE } from "./signatures.ts";
import { isObject, parseJson } from "../../core/json-values.ts";
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiThinkingConfig,
  GeminiToolConfig,
} from "./wire-types.ts";

/** Gemini rejects more than five stop sequences. https://ai.google.dev/api/generate-content#generationconfig */
const MAX_STOP_SEQUENCES = 5;

/** Token budgets for an effort on models that take `thinkingBudget` (-1 = the model decides). */
const BUDGET_BY_EFFORT: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: -1,
  max: -1,
};

/** A function input for custom (free-form) tools, which Gemini lacks. */
const CUSTOM_TOOL_SCHEMA: JsonValue = {
  type: "object",
  properties: { input: { type: "string", description: "The raw input for the tool." } },
  required: ["input"],
};

/** Canonical → a generateContent body for `target.model`, with a warning for everything dropped. */
export function encodeRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest {
  const warnings = new Set<string>();
  const body: JsonObject = { contents: encodeContents(request.messages, warnings) };
  const system = request.system.filter((part) => part.text !== "").map((part) => ({ text: part.text }));
  if (system.length > 0) body.systemInstruction = { parts: system };

  const declarations = encodeTools(request, warnings);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    const toolConfig = encodeToolChoice(request);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  if (request.parallelToolCalls === false) warnings.add("Gemini cannot turn off parallel function calls; parallelToolCalls=false was dropped");

  const generationConfig = encodeGenerationConfig(request, target.model, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { body, warnings: [...warnings] };
}

// ---------------------------------------------------------------- contents

function encodeContents(messages: Message[], warnings: Set<string>): GeminiContent[] {
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  // Gemini has no tool role: results go back in user turns, and consecutive turns of one role merge.
  const append = (role: "user" | "model", parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts!.push(...parts);
    else contents.push({ role, parts });
  };
  for (const message of messages) {
    if (message.role === "assistant") append("model", encodeModelParts(message.content, callNames, warnings));
    else append("user", encodeUserParts(message.content, callNames, warnings));
  }
  return contents;
}

function encodeModelParts(content: ContentPart[], callNames: Map<string, string>, warnings: Set<string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let signedCall = false;
  for (const part of content) {
    switch (part.type) {
      case "text":
        if (part.text === "" && part.signature === undefined) break;
        parts.push(part.signature ? { text: part.text, thoughtSignature: part.signature } : { text: part.text });
        break;
      case "reasoning": {
        const thought = encodeReasoning(part, warnings);
        if (thought) parts.push(thought);
        break;
      }
      case "tool-call": {
        callNames.set(part.id, part.name);
        const call = encodeToolCall(part, warnings);
        // Gemini 3 validates the signature of the first functionCall of each step.
        // https://ai.google.dev/gemini-api/docs/thought-signatures#function-calling
        if (call.thoughtSignature === undefined && !signedCall) {
          call.thoughtSignature = SKIP_SIGNATURE;
          warnings.add("replayed function calls Gemini did not generate carry the skip_thought_signature_validator placeholder");
        }
        signedCall = true;
        parts.push(call);
        break;
      }
      case "image":
      case "file": {
        const media = encodeMedia(part);
        if (media.part) parts.push(media.part);
        if (media.warning) warnings.add(media.warning);
        break;
      }
      case "tool-result":
        warnings.add("dropped a tool result found in an assistant turn");
        break;
    }
  }
  return parts;
}

/** Only Gemini's own thoughts are replayed: another vendor's signature would fail validation. */
function encodeReasoning(part: ReasoningPart, warnings: Set<string>): GeminiPart | undefined {
  if (part.origin !== GEMINI_ORIGIN) {
    if (part.text !== "" || part.signature || part.redactedData || part.encryptedContent) {
      warnings.add(`dropped reasoning from ${part.origin ?? "another model"}: Gemini only replays its own thoughts`);
    }
    return undefined;
  }
  if (part.text === "" && !part.signature) return undefined;
  const thought: GeminiPart = { text: part.text, thought: true };
  if (part.signature) thought.thoughtSignature = part.signature;
  return thought;
}

function encodeToolCall(part: ToolCallPart, warnings: Set<string>): GeminiPart {
  let args: Record<string, unknown>;
  if (part.kind === "custom") {
    args = { input: part.arguments };
  } else {
    const parsed = part.arguments.trim() === "" ? {} : parseJson(part.arguments);
    if (isObject(parsed)) args = parsed;
    else {
      args = {};
      warnings.add(`the arguments of tool call ${part.id} were not a JSON object and were sent as {}`);
    }
  }
  const call: GeminiPart = { functionCall: { id: part.id, name: part.name, args } };
  if (part.signature) call.thoughtSignature = part.signature;
  return call;
}

function encodeUserParts(content: ContentPart[], callNames: Map<string, string>, warnings: Set<string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  for (const part of content) {
    switch (part.type) {
      case "text":
        if (part.text !== "") parts.push({ text: part.text });
        break;
      case "image":
      case "file": {
        const media = encodeMedia(part);
        if (media.part) parts.push(media.part);
        if (media.warning) warnings.add(media.warning);
        break;
      }
      case "tool-result":
        parts.push(...encodeToolResult(part, callNames, warnings));
        break;
      case "tool-call":
      case "reasoning":
        warnings.add(`dropped a ${part.type} part found in a ${part.type === "tool-call" ? "user" : "non-assistant"} turn`);
        break;
    }
  }
  return parts;
}

/**
 * A tool result → a functionResponse (named after its call) plus any images as sibling
 * parts. `response` must be an object: JSON object text is sent as is, other text as the
 * documented `{output}` / `{error}`. https://ai.google.dev/api/caching#FunctionResponse
 */
function encodeToolResult(part: ToolResultPart, callNames: Map<string, string>, warnings: Set<string>): GeminiPart[] {
  const name = part.name ?? callNames.get(part.callId);
  if (name === undefined) warnings.add(`tool result ${part.callId} has no matching call; its function name is unknown`);
  const text = part.content
    .filter((item) => item.type === "text")
    .map((item) => item.text)
    .join("\n");
  const parsed = text.trimStart().startsWith("{") ? parseJson(text) : undefined;
  let response: Record<string, unknown>;
  if (isObject(parsed)) response = part.isError ? { error: parsed } : parsed;
  else response = part.isError ? { error: text } : { output: text };
  const parts: GeminiPart[] = [{ functionResponse: { id: part.callId, name: name ?? "unknown", response } }];
  for (const item of part.content) {
    if (item.type !== "image") continue;
    const media = encodeMedia(item);
    if (media.part) parts.push(media.part);
    if (media.warning) warnings.add(media.warning);
  }
  return parts;
}

// ---------------------------------------------------------------- tools

function encodeTools(request: CanonicalRequest, warnings: Set<string>): GeminiFunctionDeclaration[] {
  return request.tools.map((tool) => {
    const declaration: GeminiFunctionDeclaration = { name: tool.name };
    if (tool.description) declaration.description = tool.description;
    if (tool.type === "custom") {
      declaration.parametersJsonSchema = CUSTOM_TOOL_SCHEMA;
      warnings.add(`custom tool ${tool.name} is declared as a function taking {"input": string}`);
      return declaration;
    }
    const schema = forGemini(tool.parameters);
    if (schema !== undefined) declaration.parametersJsonSchema = schema;
    if (tool.strict) warnings.add("Gemini does not enforce strict tool schemas; strict was dropped");
    return declaration;
  });
}

function encodeToolChoice(request: CanonicalRequest): GeminiToolConfig | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  if (typeof choice === "object") return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  const mode = choice === "none" ? "NONE" : choice === "required" ? "ANY" : "AUTO";
  return { functionCallingConfig: { mode } };
}

// ---------------------------------------------------------------- generation config

function encodeGenerationConfig(request: CanonicalRequest, model: string, warnings: Set<string>): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.stopSequences && request.stopSequences.length > 0) {
    config.stopSequences = request.stopSequences.slice(0, MAX_STOP_SEQUENCES);
    if (request.stopSequences.length > MAX_STOP_SEQUENCES) warnings.add(`Gemini takes at most ${MAX_STOP_SEQUENCES} stop sequences; the rest were dropped`);
  }
  const format = request.responseFormat;
  if (format?.type === "json") config.responseMimeType = "application/json";
  if (format?.type === "json-schema") {
    config.responseMimeType = "application/json";
    config.responseJsonSchema = forGemini(format.schema);
  }
  const thinking = encodeThinking(request, model, warnings);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * Reasoning → thinkingConfig. Budgets go to `thinkingBudget` (Gemini 2.5 and, for
 * compatibility, 3); a bare effort or "off" uses `thinkingLevel` on Gemini 3, whose Pro
 * models take LOW / HIGH and Flash models MINIMAL / LOW / MEDIUM / HIGH. Thoughts are
 * included whenever reasoning is on, so clients see them.
 * https://ai.google.dev/gemini-api/docs/thinking
 */
function encodeThinking(request: CanonicalRequest, model: string, warnings: Set<string>): GeminiThinkingConfig | undefined {
  const reasoning = request.reasoning;
  if (!reasoning) return undefined;
  const gemini3 = /gemini-3/i.test(model);
  const flash = /flash/i.test(model);
  if (!reasoning.enabled || reasoning.effort === "none") {
    // Pro models only work in thinking mode; Gemini 3 Flash gets as close as it can.
    if (gemini3 && flash) return { thinkingLevel: "MINIMAL" };
    if (/pro/i.test(model) || gemini3) {
      warnings.add(`${model} cannot turn thinking off; it thinks with its default budget`);
      return undefined;
    }
    return { thinkingBudget: 0 };
  }
  const thinking: GeminiThinkingConfig = { includeThoughts: reasoning.includeThoughts ?? true };
  if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    if (gemini3) thinking.thinkingLevel = thinkingLevel(reasoning.effort, flash);
    else thinking.thinkingBudget = BUDGET_BY_EFFORT[reasoning.effort];
  }
  return thinking;
}

function thinkingLevel(effort: ReasoningEffort, flash: boolean): string {
  if (effort === "minimal") return flash ? "MINIMAL" : "LOW";
  if (effort === "low") return "LOW";
  if (effort === "medium") return flash ? "MEDIUM" : "HIGH";
  return "HIGH";
}
