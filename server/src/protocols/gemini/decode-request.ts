/**
 * Gemini `generateContent` / `streamGenerateContent` request → canonical request.
 * The model and stream mode come from the URL (RequestContext), not the body.
 * https://ai.google.dev/api/generate-content#request-body
 */
import type {
  CanonicalRequest,
  ContentPart,
  ImagePart,
  JsonValue,
  Message,
  ReasoningConfig,
  ReasoningEffort,
  TextPart,
  Tool,
  ToolChoice,
  ToolResultPart,
} from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, RequestContext } from "../../core/wire-protocol.ts";
import { decodeFileData, decodeInlineData } from "./media.ts";
import { bareModel } from "./model-path.ts";
import { toJsonSchema } from "./schema.ts";
import { GEMINI_ORIGIN, isEnvelope, openEnvelope, SKIP_SIGNATURE } from "./signatures.ts";
import { conversationCallId } from "./tool-ids.ts";
import { isObject, numberOf, objectsOf, stringOf } from "../../core/json-values.ts";
import type {
  GeminiContent,
  GeminiFunctionResponse,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRequest,
  GeminiTool,
  GeminiToolConfig,
} from "./wire-types.ts";

/** The model from the URL (or a body `model`, as countTokens' inner request has), without `models/`. */
export function requireModel(body: JsonObject, context: RequestContext): string {
  const model = context.model ?? stringOf(body.model);
  if (model === undefined || bareModel(model) === "") {
    throw new GatewayError("bad_request", "The model is missing from the request path (/v1beta/models/{model}:method)", {
      param: "model",
    });
  }
  return bareModel(model);
}

/** A generateContent / streamGenerateContent body → canonical; throws bad_request without model or contents. */
export function decodeRequest(body: JsonObject, context: RequestContext): CanonicalRequest {
  return decodeGenerateRequest(body as GeminiRequest, requireModel(body, context), context.stream === true);
}

const MAPPED_KEYS = new Set(["model", "contents", "systemInstruction", "tools", "toolConfig", "generationConfig"]);

/** A GenerateContentRequest object → canonical (shared with countTokens' `generateContentRequest`). */
export function decodeGenerateRequest(request: GeminiRequest, model: string, stream: boolean): CanonicalRequest {
  if (!Array.isArray(request.contents)) {
    throw new GatewayError("bad_request", "* GenerateContentRequest.contents: contents is not specified", { param: "contents" });
  }
  const canonical: CanonicalRequest = {
    model,
    system: decodeSystem(request.systemInstruction),
    messages: decodeContents(objectsOf<GeminiContent>(request.contents)),
    tools: [],
    stream,
    extras: {},
  };
  decodeTools(request.tools, canonical);
  decodeToolConfig(request.toolConfig, canonical);
  if (isObject(request.generationConfig)) decodeGenerationConfig(request.generationConfig, canonical);
  for (const [key, value] of Object.entries(request)) {
    if (!MAPPED_KEYS.has(key) && value !== undefined) canonical.extras[key] = value as JsonValue;
  }
  return canonical;
}

function decodeSystem(instruction: GeminiContent | string | undefined): TextPart[] {
  if (typeof instruction === "string") return instruction === "" ? [] : [{ type: "text", text: instruction }];
  if (!isObject(instruction)) return [];
  const system: TextPart[] = [];
  for (const part of objectsOf<GeminiPart>(instruction.parts)) {
    if (typeof part.text === "string" && part.text !== "") system.push({ type: "text", text: part.text });
  }
  return system;
}

interface KnownCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * Contents → messages. A user content mixing functionResponse and other parts splits into
 * a `tool` message and a `user` message, in order. Function responses take the id of their
 * call: the explicit id when both carry one, else the oldest unanswered call of that name.
 */
function decodeContents(contents: GeminiContent[]): Message[] {
  const messages: Message[] = [];
  const calls: KnownCall[] = [];
  for (const content of contents) {
    const parts = objectsOf<GeminiPart>(content.parts);
    if (content.role === "model") {
      const assistant = decodeModelParts(parts, calls);
      if (assistant.length > 0) messages.push({ role: "assistant", content: assistant });
      continue;
    }
    let group: Message | undefined;
    for (const part of parts) {
      const isResult = isObject(part.functionResponse);
      const role = isResult ? "tool" : "user";
      const decoded = isResult ? [decodeFunctionResponse(part.functionResponse!, calls)] : decodeUserPart(part);
      if (decoded.length === 0) continue;
      if (group?.role !== role) {
        group = { role, content: [] };
        messages.push(group);
      }
      group.content.push(...decoded);
    }
  }
  return messages;
}

function decodeModelParts(parts: GeminiPart[], calls: KnownCall[]): ContentPart[] {
  const decoded: ContentPart[] = [];
  for (const part of parts) {
    let signature = stringOf(part.thoughtSignature);
    // The placeholder is not a signature; the encoder adds it again where Gemini needs one.
    if (signature === SKIP_SIGNATURE) signature = undefined;
    if (isEnvelope(signature)) {
      decoded.push(...openEnvelope(signature));
      signature = undefined;
    }
    if (isObject(part.functionCall)) {
      const name = stringOf(part.functionCall.name) ?? "";
      const id = stringOf(part.functionCall.id) || conversationCallId(calls.length, name);
      calls.push({ id, name, answered: false });
      const args = isObject(part.functionCall.args) ? part.functionCall.args : {};
      decoded.push({ type: "tool-call", id, name, arguments: JSON.stringify(args), ...(signature ? { signature } : {}) });
      continue;
    }
    if (part.thought === true) {
      decoded.push({ type: "reasoning", text: part.text ?? "", origin: GEMINI_ORIGIN, ...(signature ? { signature } : {}) });
      continue;
    }
    if (typeof part.text === "string" && part.text !== "") {
      decoded.push({ type: "text", text: part.text, ...(signature ? { signature } : {}) });
      continue;
    }
    if (isObject(part.inlineData)) decoded.push(decodeInlineData(part.inlineData));
    else if (isObject(part.fileData)) decoded.push(decodeFileData(part.fileData));
    else if (signature) attachSignature(decoded, signature);
  }
  return decoded;
}

/**
 * A signature on an otherwise empty part (Gemini streams end text with `{"text":"","thoughtSignature":…}`)
 * belongs to the text before it; with nothing to attach to it is kept as empty Gemini reasoning.
 */
function attachSignature(decoded: ContentPart[], signature: string): void {
  const previous = decoded.at(-1);
  if (previous?.type === "text" && previous.signature === undefined) previous.signature = signature;
  else decoded.push({ type: "reasoning", text: "", signature, origin: GEMINI_ORIGIN });
}

function decodeUserPart(part: GeminiPart): ContentPart[] {
  if (typeof part.text === "string") return part.text === "" || part.thought === true ? [] : [{ type: "text", text: part.text }];
  if (isObject(part.inlineData)) return [decodeInlineData(part.inlineData)];
  if (isObject(part.fileData)) return [decodeFileData(part.fileData)];
  return [];
}

function matchCall(response: GeminiFunctionResponse, calls: KnownCall[]): KnownCall | undefined {
  const id = stringOf(response.id);
  if (id) return calls.find((call) => call.id === id);
  const name = stringOf(response.name);
  return calls.find((call) => !call.answered && call.name === name);
}

function decodeFunctionResponse(response: GeminiFunctionResponse, calls: KnownCall[]): ToolResultPart {
  const name = stringOf(response.name) ?? "";
  const call = matchCall(response, calls);
  if (call) call.answered = true;
  const callId = call?.id ?? (stringOf(response.id) || conversationCallId(calls.length, name));
  const { text, isError } = functionOutput(response.response);
  const content: Array<TextPart | ImagePart> = [{ type: "text", text }];
  for (const inner of objectsOf<GeminiPart>(response.parts)) {
    const media = isObject(inner.inlineData) ? decodeInlineData(inner.inlineData) : undefined;
    if (media?.type === "image") content.push(media);
  }
  return { type: "tool-result", callId, name: call?.name ?? name, content, ...(isError ? { isError } : {}) };
}

/**
 * The documented `{output}` / `{error}` keys unwrap to their text (Gemini CLI sends
 * `{output: "…"}`); any other object is the output as JSON.
 * https://ai.google.dev/api/caching#FunctionResponse
 */
function functionOutput(response: unknown): { text: string; isError: boolean } {
  if (!isObject(response)) return { text: response === undefined ? "" : JSON.stringify(response), isError: false };
  const keys = Object.keys(response);
  if (keys.length === 1 && (keys[0] === "output" || keys[0] === "result" || keys[0] === "error")) {
    const value = response[keys[0]];
    return { text: typeof value === "string" ? value : JSON.stringify(value), isError: keys[0] === "error" };
  }
  return { text: JSON.stringify(response), isError: false };
}

function decodeTools(tools: unknown, canonical: CanonicalRequest): void {
  const builtIn: JsonValue[] = [];
  for (const tool of objectsOf<GeminiTool>(tools)) {
    const { functionDeclarations, ...rest } = tool;
    for (const declaration of objectsOf<NonNullable<GeminiTool["functionDeclarations"]>[number]>(functionDeclarations)) {
      const name = stringOf(declaration.name);
      if (!name) continue;
      const decoded: Tool = { type: "function", name };
      const description = stringOf(declaration.description);
      if (description) decoded.description = description;
      const schema = declaration.parametersJsonSchema ?? declaration.parameters;
      if (schema !== undefined) decoded.parameters = toJsonSchema(schema);
      canonical.tools.push(decoded);
    }
    // googleSearch, codeExecution, urlContext … have no canonical form.
    if (Object.keys(rest).length > 0) builtIn.push(rest as JsonValue);
  }
  if (builtIn.length > 0) canonical.extras.tools = builtIn;
}

function decodeToolConfig(config: GeminiToolConfig | undefined, canonical: CanonicalRequest): void {
  if (!isObject(config)) return;
  const { functionCallingConfig, ...rest } = config;
  if (Object.keys(rest).length > 0) canonical.extras.toolConfig = rest as JsonValue;
  if (!isObject(functionCallingConfig)) return;
  const allowed = Array.isArray(functionCallingConfig.allowedFunctionNames)
    ? functionCallingConfig.allowedFunctionNames.filter((name): name is string => typeof name === "string")
    : [];
  let choice: ToolChoice | undefined;
  switch (stringOf(functionCallingConfig.mode)?.toUpperCase()) {
    case "NONE":
      choice = "none";
      break;
    case "ANY":
      choice = allowed.length === 1 ? { name: allowed[0] } : "required";
      break;
    case "AUTO":
    case "VALIDATED":
      choice = "auto";
      break;
  }
  if (choice !== undefined) canonical.toolChoice = choice;
  if (allowed.length > 1) canonical.extras.allowedFunctionNames = allowed;
}

const EFFORTS: ReadonlySet<string> = new Set<ReasoningEffort>(["minimal", "low", "medium", "high"]);
const GENERATION_KEYS = new Set([
  "temperature",
  "topP",
  "topK",
  "maxOutputTokens",
  "stopSequences",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "thinkingConfig",
]);

function decodeGenerationConfig(config: GeminiGenerationConfig, canonical: CanonicalRequest): void {
  const temperature = numberOf(config.temperature);
  const topP = numberOf(config.topP);
  const topK = numberOf(config.topK);
  const maxOutputTokens = numberOf(config.maxOutputTokens);
  const seed = numberOf(config.seed);
  const presencePenalty = numberOf(config.presencePenalty);
  const frequencyPenalty = numberOf(config.frequencyPenalty);
  if (temperature !== undefined) canonical.temperature = temperature;
  if (topP !== undefined) canonical.topP = topP;
  if (topK !== undefined) canonical.topK = topK;
  if (maxOutputTokens !== undefined) canonical.maxOutputTokens = maxOutputTokens;
  if (seed !== undefined) canonical.seed = seed;
  if (presencePenalty !== undefined) canonical.presencePenalty = presencePenalty;
  if (frequencyPenalty !== undefined) canonical.frequencyPenalty = frequencyPenalty;
  if (Array.isArray(config.stopSequences)) {
    canonical.stopSequences = config.stopSequences.filter((stop): stop is string => typeof stop === "string");
  }

  const mimeType = stringOf(config.responseMimeType);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (mimeType === "application/json") {
    canonical.responseFormat = schema === undefined ? { type: "json" } : { type: "json-schema", schema: toJsonSchema(schema) };
  } else if (mimeType === "text/plain") {
    canonical.responseFormat = { type: "text" };
  }

  const reasoning = decodeThinking(config.thinkingConfig);
  if (reasoning) canonical.reasoning = reasoning;

  const rest: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!GENERATION_KEYS.has(key) && value !== undefined) rest[key] = value as JsonValue;
  }
  // text/x.enum and other MIME types have no canonical form.
  if (mimeType !== undefined && mimeType !== "application/json" && mimeType !== "text/plain") {
    rest.responseMimeType = mimeType;
    if (schema !== undefined) rest.responseSchema = schema as JsonValue;
  }
  if (Object.keys(rest).length > 0) canonical.extras.generationConfig = rest;
}

/** thinkingBudget 0 turns thinking off, -1 lets the model decide; thinkingLevel is Gemini 3's effort. */
function decodeThinking(thinking: unknown): ReasoningConfig | undefined {
  if (!isObject(thinking)) return undefined;
  const budget = numberOf(thinking.thinkingBudget);
  const level = stringOf(thinking.thinkingLevel)?.toLowerCase();
  const reasoning: ReasoningConfig = { enabled: budget !== 0 };
  if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  if (level !== undefined && EFFORTS.has(level)) reasoning.effort = level as ReasoningEffort;
  if (typeof thinking.includeThoughts === "boolean") reasoning.includeThoughts = thinking.includeThoughts;
  return reasoning;
}
