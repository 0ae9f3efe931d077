import type { ProviderType, WireName } from "@llmio/contract";
import type { CanonicalRequest, CanonicalResponse, EmbeddingRequest, EmbeddingResponse, StreamEvent } from "./canonical.ts";
import type { GatewayError } from "./errors.ts";
import type { Usage } from "./usage.ts";

export type { ProviderType, WireName } from "@llmio/contract";
export type JsonObject = Record<string, unknown>;

/** Where and how to call one upstream. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  /** The provider's model name. */
  model: string;
  stream: boolean;
}

/** What the URL says about a request (Gemini puts model and stream mode in the path). */
export interface RequestContext {
  model?: string;
  stream?: boolean;
  /** Gemini `:streamGenerateContent` without `alt=sse` answers one JSON array instead of SSE. */
  streamFormat?: "sse" | "json-array";
  /** The gateway's own count of the prompt, for a translated stream's opening usage (set by the relay). */
  promptTokens?: () => number | undefined;
}

/** Provider capabilities a request depends on, detected by `peek` from a cheap scan of the body. */
export interface RequestNeeds {
  /** The request defines tools the model may call (and `tool_choice` is not "none"). */
  toolCall: boolean;
  /** JSON mode or a JSON schema for the answer. */
  structuredOutput: boolean;
  /** An image anywhere in the conversation (including inside tool results). */
  vision: boolean;
}

/** The few request fields routing needs, read without decoding the whole request. */
export interface RequestPeek {
  model: string;
  stream: boolean;
  streamFormat?: "sse" | "json-array";
  /** What the request needs from a provider; routing only picks associations flagged for it. */
  needs: RequestNeeds;
  /** A session id in the body, when the protocol carries one (Responses `prompt_cache_key`, Anthropic `metadata.user_id` session part …). */
  sessionId?: string;
}

/** One parsed server-sent event. */
export interface SseEvent {
  event?: string;
  data: string;
}

export interface UpstreamEndpoint {
  url: string;
  /** Auth and required headers; they override anything forwarded. */
  headers: Record<string, string>;
  /** Headers used only when the client did not send them (e.g. `anthropic-version`). */
  defaultHeaders?: Record<string, string>;
}

/** The result of encoding a canonical request for an upstream: features it cannot carry become warnings. */
export interface EncodedRequest {
  body: JsonObject;
  warnings: string[];
}

/**
 * Everything the relay needs from one wire protocol, for both sides of a call.
 * Generic code only talks to this interface and never branches on a protocol's name.
 */
export interface WireProtocol {
  readonly name: WireName;

  // ---- client side: requests arrive in this protocol, answers leave in it
  /** Reads model and stream mode cheaply; throws GatewayError("bad_request") on a bad shape. */
  peek(body: JsonObject, context: RequestContext): RequestPeek;
  /** Full decode into the canonical request (cross-protocol path only). */
  decodeRequest(body: JsonObject, context: RequestContext): CanonicalRequest;
  encodeResponse(response: CanonicalResponse, request: CanonicalRequest): JsonObject;
  /** Canonical events → this protocol's complete stream grammar, as text frames. Closing frames come from `flush`. */
  encodeStream(request: CanonicalRequest, context: RequestContext): TransformStream<StreamEvent, string>;
  /** An error response body in this protocol's shape. */
  encodeError(error: GatewayError): JsonObject;
  /** A mid-stream error in this protocol's stream grammar (complete frames). */
  encodeStreamError(error: GatewayError): string;
  /** Extra response headers for an error (e.g. `x-should-retry`). */
  errorHeaders?(error: GatewayError): Record<string, string>;
  /** A frame that keeps an idle stream alive (SSE comment or a protocol ping). */
  readonly keepAliveFrame: string;

  // ---- upstream side: providers speaking this protocol
  /** URL and auth for a chat call to a provider speaking this protocol. */
  upstreamEndpoint(target: UpstreamTarget): UpstreamEndpoint;
  /** Same-protocol fast path: the client's body with only the model (and usage request) changed. */
  prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject;
  encodeRequest(request: CanonicalRequest, target: UpstreamTarget): EncodedRequest;
  /** The request lets decoders undo their own encodings (e.g. free-form tools sent as functions). */
  decodeResponse(body: JsonObject, request?: CanonicalRequest): CanonicalResponse;
  /** Parsed SSE events from the upstream → canonical events (with start/end pairs and one `finish`). */
  decodeStream(request?: CanonicalRequest): TransformStream<SseEvent, StreamEvent>;
  /** An upstream error body (any status) → a gateway error carrying the upstream's message. */
  decodeError(status: number, body: string): GatewayError;
  /**
   * The error envelope inside a successful (2xx) non-stream body, else undefined. Some relays
   * answer HTTP 200 with an error body; the relay treats it as the failed attempt it is.
   */
  errorInResponse(body: JsonObject): GatewayError | undefined;

  // ---- fast-path observation (no full decode)
  /** Usage from a complete (non-stream) response body. */
  usageFromResponse(body: JsonObject): Usage | undefined;
  /** Usage carried by one stream event, if any (later reports override earlier fields). */
  usageFromStreamEvent(event: SseEvent): Partial<Usage> | undefined;
  /** True for the event that ends a complete stream (`[DONE]`, `message_stop`, `response.completed` …). */
  isStreamEnd(event: SseEvent): boolean;
  /** An error frame inside a stream, decoded as this protocol classifies its errors, if this event is one. */
  streamEventError(event: SseEvent): GatewayError | undefined;
  /**
   * True for stream events that come before any model output (Anthropic message_start and ping,
   * Responses response.created / in_progress / output_item.added of an empty message, an OpenAI chat
   * chunk carrying only the assistant role). The relay keeps buffering while it sees only these, so
   * an error frame right after them still fails over to another provider.
   */
  isPreambleEvent(event: SseEvent): boolean;

  /** Token counting, when the protocol has an endpoint for it. */
  readonly countTokens?: CountTokensCodec;
  /** Embeddings, when the protocol has an endpoint for them. */
  readonly embeddings?: EmbeddingsCodec;
}

export interface CountTokensCodec {
  /** Client side: the count request → canonical request (model from body or context). */
  decodeRequest(body: JsonObject, context: RequestContext): CanonicalRequest;
  encodeResponse(inputTokens: number): JsonObject;
  /** Upstream side: a native count call. */
  endpoint(target: UpstreamTarget): UpstreamEndpoint;
  encodeRequest(request: CanonicalRequest, target: UpstreamTarget): JsonObject;
  decodeResponse(body: JsonObject): number;
}

export interface EmbeddingsCodec {
  decodeRequest(body: JsonObject, context: RequestContext): EmbeddingRequest;
  /** The client's request decides the answer's shape (e.g. base64 vectors, batch form). */
  encodeResponse(response: EmbeddingResponse, request: EmbeddingRequest): JsonObject;
  endpoint(target: UpstreamTarget): UpstreamEndpoint;
  encodeRequest(request: EmbeddingRequest, target: UpstreamTarget): JsonObject;
  decodeResponse(body: JsonObject): EmbeddingResponse;
}

/** The wire protocol a provider of the given type speaks. */
export function wireOfProviderType(type: ProviderType): WireName {
  return type === "openai" ? "openai-chat" : type;
}
