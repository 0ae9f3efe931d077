import type { EmbeddingRequest, EmbeddingResponse } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { EmbeddingsCodec, JsonObject, RequestContext, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { asJsonValue, isObject, numberOf } from "../../core/json-values.ts";
import type { EmbeddingsResponseBody } from "./wire-types.ts";

const MODELLED_FIELDS = new Set(["model", "input", "dimensions", "encoding_format"]);

/**
 * `POST /v1/embeddings` → canonical. Token-array inputs are refused (bad_request): the hub
 * works on text, and token ids of one vendor's tokenizer mean nothing to another.
 */
export function decodeEmbeddingsRequest(body: JsonObject, context: RequestContext = {}): EmbeddingRequest {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (model === undefined || model === "") {
    throw new GatewayError("bad_request", "you must provide a model parameter", { param: "model" });
  }
  const inputs = decodeInputs(body.input);
  const request: EmbeddingRequest = { model, inputs, extras: {} };
  const dimensions = numberOf(body.dimensions);
  if (dimensions !== undefined) request.dimensions = dimensions;
  if (body.encoding_format === "base64" || body.encoding_format === "float") request.encodingFormat = body.encoding_format;
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined && !MODELLED_FIELDS.has(key)) request.extras[key] = asJsonValue(value);
  }
  return request;
}

function decodeInputs(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) return input as string[];
  if (Array.isArray(input) && input.length > 0) {
    throw new GatewayError("bad_request", "token arrays as 'input' are not supported for this model; send text", { param: "input" });
  }
  throw new GatewayError("bad_request", "'input' must be a non-empty string or array of strings", { param: "input" });
}

/**
 * Canonical → the OpenAI embeddings list. `encoding_format: "base64"` (the openai SDK's default
 * request) returns each vector as base64 of little-endian float32s, as OpenAI does.
 * The request is optional only because the codec interface does not pass it yet.
 */
export function encodeEmbeddingsResponse(response: EmbeddingResponse, request?: EmbeddingRequest): JsonObject {
  const base64 = request?.encodingFormat === "base64";
  const inputTokens = response.usage?.inputTokens ?? 0;
  return {
    object: "list",
    data: response.embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? float32Base64(vector) : vector,
    })),
    model: response.model || request?.model || "",
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}

export function embeddingsEndpoint(target: UpstreamTarget): UpstreamEndpoint {
  return {
    url: `${target.baseUrl.replace(/\/+$/, "")}/embeddings`,
    headers: { authorization: `Bearer ${target.apiKey}` },
  };
}

/** Always asks for floats: not every OpenAI-compatible vendor implements base64. */
export function encodeEmbeddingsRequest(request: EmbeddingRequest, target: UpstreamTarget): JsonObject {
  const body: JsonObject = { model: target.model, input: request.inputs, encoding_format: "float" };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return body;
}

/** Reads float arrays or base64 vectors, in `index` order. */
export function decodeEmbeddingsResponse(body: JsonObject): EmbeddingResponse {
  const typed = body as EmbeddingsResponseBody;
  const data = Array.isArray(typed.data) ? typed.data.filter(isObject) : [];
  const ordered = data.map((item, position) => ({ item, order: numberOf(item.index) ?? position })).sort((a, b) => a.order - b.order);
  const embeddings = ordered.map(({ item }) => decodeVector(item.embedding));
  const response: EmbeddingResponse = { model: typeof typed.model === "string" ? typed.model : "", embeddings };
  if (isObject(typed.usage)) {
    const inputTokens = numberOf(typed.usage.prompt_tokens) ?? 0;
    response.usage = {
      inputTokens,
      outputTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: numberOf(typed.usage.total_tokens) ?? inputTokens,
    };
  }
  return response;
}

function decodeVector(embedding: unknown): number[] {
  if (Array.isArray(embedding)) return embedding.filter((value): value is number => typeof value === "number");
  if (typeof embedding === "string") {
    const bytes = Buffer.from(embedding, "base64");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const vector = new Array<number>(bytes.byteLength >> 2);
    for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
    return vector;
  }
  return [];
}

/** Little-endian float32 bytes, base64-encoded (OpenAI's `encoding_format: "base64"`). */
export function float32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i], true);
  return Buffer.from(bytes).toString("base64");
}

/** The embeddings codec of the OpenAI protocol (`/v1/embeddings`). */
export const openaiEmbeddings: EmbeddingsCodec = {
  decodeRequest: decodeEmbeddingsRequest,
  encodeResponse: encodeEmbeddingsResponse,
  endpoint: embeddingsEndpoint,
  encodeRequest: encodeEmbeddingsRequest,
  decodeResponse: decodeEmbeddingsResponse,
};
