/**
 * The canonical model every wire protocol decodes into and encodes from. Cross-protocol
 * calls go client wire → canonical → upstream wire and back; same-protocol calls skip it.
 */
import type { GatewayError } from "./errors.ts";
import type { Usage } from "./usage.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------- content parts

export interface TextPart {
  type: "text";
  text: string;
  /** Gemini `thoughtSignature` attached to a text part. */
  signature?: string;
  /** Anthropic prompt-caching marker, kept for Anthropic upstreams. */
  cacheControl?: JsonValue;
}

/** An image: a URL (http(s) or data:) or inline base64 with its media type. */
export interface ImagePart {
  type: "image";
  url?: string;
  mediaType?: string;
  /** Base64 without the `data:` prefix. */
  data?: string;
  /** OpenAI's `detail` hint. */
  detail?: string;
}

/** A document (PDF, text …), inline base64 or by URL / provider file id. */
export interface FilePart {
  type: "file";
  mediaType?: string;
  data?: string;
  url?: string;
  fileId?: string;
  filename?: string;
}

export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /** Free-form (custom) tool calls carry raw text input instead of JSON (Codex `apply_patch`). */
  kind?: "function" | "custom";
  /** Gemini `thoughtSignature` attached to the function call part. */
  signature?: string;
}

export interface ToolResultPart {
  type: "tool-result";
  callId: string;
  /** Tool name when the wire carries it (Gemini needs it; decoders fill it from the matching call when they can). */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  kind?: "function" | "custom";
}

/** Model reasoning. Signatures and encrypted content must survive replay to the same vendor. */
export interface ReasoningPart {
  type: "reasoning";
  text: string;
  /** Anthropic thinking `signature` / Gemini `thoughtSignature`. */
  signature?: string;
  /** Anthropic `redacted_thinking.data`. */
  redactedData?: string;
  /** OpenAI Responses `encrypted_content` (and the reasoning item id). */
  encryptedContent?: string;
  itemId?: string;
  /** Which wire produced the signature / encrypted data, so encoders only replay it to that vendor. */
  origin?: string;
}

export type ContentPart = TextPart | ImagePart | FilePart | ToolCallPart | ToolResultPart | ReasoningPart;

/**
 * A conversation turn. Tool results live in `tool` messages (one or more tool-result
 * parts); encoders regroup them as their wire requires (Anthropic user blocks, OpenAI
 * `role: tool` messages, Gemini functionResponse parts, Responses output items).
 */
export interface Message {
  role: "user" | "assistant" | "tool";
  content: ContentPart[];
}

// ---------------------------------------------------------------- request

export interface FunctionTool {
  type: "function";
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: JsonValue;
  strict?: boolean;
}

/** Codex-style free-form tool (raw text input, optional grammar). */
export interface CustomTool {
  type: "custom";
  name: string;
  description?: string;
  format?: JsonValue;
}

export type Tool = FunctionTool | CustomTool;

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json" }
  | { type: "json-schema"; name?: string; schema: JsonValue; strict?: boolean };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface ReasoningConfig {
  /** false: the client asked for no reasoning. */
  enabled: boolean;
  effort?: ReasoningEffort;
  /** A token budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  budgetTokens?: number;
  /** Responses `reasoning.summary` ("auto" | "concise" | "detailed"). */
  summary?: string;
  /** Whether the client wants reasoning text returned (Gemini includeThoughts). */
  includeThoughts?: boolean;
}

export interface CanonicalRequest {
  /** The model name as the client sent it (the relay rewrites it per attempt). */
  model: string;
  /** System / developer instructions. */
  system: TextPart[];
  messages: Message[];
  tools: Tool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningConfig;
  stream: boolean;
  /** End-user id / metadata for abuse tracking, when the client sends one. */
  user?: string;
  /** Vendor fields the canonical model does not cover, keyed by the client wire's field name. */
  extras: Record<string, JsonValue>;
}

// ---------------------------------------------------------------- response

export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

export interface CanonicalResponse {
  id: string;
  model: string;
  /** The assistant's output, in order: reasoning, text, tool calls. */
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
  finishReason: FinishReason;
  /** The upstream's own finish reason string. */
  rawFinishReason?: string;
  usage?: Usage;
  /** Epoch seconds. */
  created?: number;
}

// ---------------------------------------------------------------- stream events

/**
 * Decoded stream events. `index` names one content block and is unique within a response;
 * every block is opened with `*-start` and closed with `*-end` before `finish`.
 */
export type StreamEvent =
  | { type: "response-start"; id: string; model: string; usage?: Partial<Usage> }
  | { type: "text-start"; index: number }
  | { type: "text-delta"; index: number; text: string }
  | { type: "text-end"; index: number; signature?: string }
  | { type: "reasoning-start"; index: number; itemId?: string }
  | { type: "reasoning-delta"; index: number; text: string }
  | { type: "reasoning-end"; index: number; signature?: string; redactedData?: string; encryptedContent?: string; origin?: string }
  | { type: "tool-input-start"; index: number; id: string; name: string; kind?: "function" | "custom"; signature?: string }
  | { type: "tool-input-delta"; index: number; delta: string }
  | { type: "tool-input-end"; index: number }
  | { type: "usage"; usage: Partial<Usage> }
  | { type: "finish"; finishReason: FinishReason; rawFinishReason?: string; usage?: Usage }
  | { type: "error"; error: GatewayError };

/** Events that mean the model has started answering (after them, no failover). */
export function isOutputEvent(event: StreamEvent): boolean {
  return (
    event.type === "text-delta" ||
    event.type === "reasoning-delta" ||
    event.type === "tool-input-start" ||
    event.type === "reasoning-end" ||
    event.type === "finish"
  );
}

// ---------------------------------------------------------------- embeddings and token counting

export interface EmbeddingRequest {
  model: string;
  inputs: string[];
  dimensions?: number;
  /** "float" (default) or "base64" as the client asked. */
  encodingFormat?: "float" | "base64";
  /** Gemini taskType etc. */
  extras: Record<string, JsonValue>;
}

export interface EmbeddingResponse {
  model: string;
  embeddings: number[][];
  usage?: Usage;
}
