import type { GatewayError } from "./errors.ts";
import type { Usage } from "./usage.ts";

export type WireName = "openai-chat" | "openai-responses" | "anthropic" | "gemini";
export type JsonObject = Record<string, unknown>;

/** Where and how to call one upstream. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  stream: boolean;
}

/** The few request fields routing needs, read without decoding the whole request. */
export interface RequestPeek {
  model: string;
  stream: boolean;
}

/**
 * What the relay needs from one wire protocol. Generic code only talks to this
 * interface and never branches on a protocol's name.
 */
export interface WireProtocol {
  readonly name: WireName;
  /** Reads model and stream flag from a client request body; throws GatewayError on a bad shape. */
  peek(body: JsonObject): RequestPeek;
  /** Same-protocol fast path: the client's body with only what the upstream needs changed. */
  prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject;
  /** URL and auth headers for a call to a provider speaking this protocol. */
  upstreamEndpoint(target: UpstreamTarget): { url: string; headers: Record<string, string> };
  /** Usage from a complete (non-stream) response body. */
  usageFromResponse(body: JsonObject): Usage | undefined;
  /** Usage carried by one stream event's data, if any (later events override earlier ones). */
  usageFromStreamEvent(data: string): Usage | undefined;
  /** True for the event that ends a complete stream (e.g. `[DONE]`). */
  isStreamEnd(data: string, event: string | undefined): boolean;
  /** The message of an error frame sent inside a stream, if this event is one. */
  streamEventError(data: string, event: string | undefined): string | undefined;
  /** An error response body in this protocol's shape. */
  encodeError(error: GatewayError): JsonObject;
  /** A mid-stream error in this protocol's stream grammar (complete SSE frames). */
  encodeStreamError(error: GatewayError): string;
  /** Extra response headers for an error (e.g. retry hints). */
  errorHeaders?(error: GatewayError): Record<string, string>;
}

/** The wire protocol a provider of the given type speaks. */
export function wireOfProviderType(type: "openai" | "openai-responses" | "anthropic" | "gemini"): WireName {
  return type === "openai" ? "openai-chat" : type;
}
