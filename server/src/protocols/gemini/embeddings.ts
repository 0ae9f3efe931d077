/**
 * Gemini embeddings: `:embedContent` (`{content:{parts:[{text}]}, taskType?, title?,
 * outputDimensionality?}` → `{embedding:{values}}`) and `:batchEmbedContents`
 * (`{requests:[{model, content, …}]}` → `{embeddings:[{values}]}`).
 * https://ai.google.dev/api/embeddings
 */
import type { EmbeddingRequest, EmbeddingResponse, JsonValue } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { EmbeddingsCodec, JsonObject, RequestContext, UpstreamTarget } from "../../core/wire-protocol.ts";
import { bareModel, methodEndpoint, resourceName } from "./model-path.ts";
import { isObject, numberOf, objectsOf, stringOf } from "../../core/json-values.ts";
import type { GeminiBatchEmbedRequest, GeminiContent, GeminiEmbedContentRequest, GeminiPart } from "./wire-types.ts";

/** `extras` key recording that the client used `:batchEmbedContents`, so the answer takes that shape. */
export const BATCH_EXTRA = "geminiBatch";

function contentText(content: GeminiContent | undefined): string {
  return objectsOf<GeminiPart>(content?.parts)
    .map((part) => stringOf(part.text) ?? "")
    .join("");
}

function decodeEmbeddingRequest(body: JsonObject, context: RequestContext): EmbeddingRequest {
  const batch = Array.isArray((body as GeminiBatchEmbedRequest).requests);
  const requests = batch ? objectsOf<GeminiEmbedContentRequest>(body.requests) : [body as GeminiEmbedContentRequest];
  if (requests.length === 0 || requests.some((request) => !isObject(request.content))) {
    throw new GatewayError("bad_request", batch ? "every request needs `content`" : "`content` is required", { param: "content" });
  }
  const model = context.model ?? stringOf(requests[0].model) ?? stringOf(body.model);
  if (model === undefined || bareModel(model) === "") {
    throw new GatewayError("bad_request", "The model is missing from the request path", { param: "model" });
  }
  const first = requests[0];
  const extras: Record<string, JsonValue> = { [BATCH_EXTRA]: batch };
  if (first.taskType !== undefined) extras.taskType = first.taskType;
  if (first.title !== undefined) extras.title = first.title;
  const request: EmbeddingRequest = { model: bareModel(model), inputs: requests.map((entry) => contentText(entry.content)), extras };
  const dimensions = numberOf(first.outputDimensionality);
  if (dimensions !== undefined) request.dimensions = dimensions;
  return request;
}

/** The answer in the shape of the client's call: `{embeddings}` for a batch call (even of one), else `{embedding}`. */
function encodeEmbeddingResponse(response: EmbeddingResponse, request: EmbeddingRequest): JsonObject {
  const embeddings = response.embeddings.map((values) => ({ values }));
  if (request.extras[BATCH_EXTRA] === true) return { embeddings };
  return { embedding: embeddings[0] ?? { values: [] } };
}

/** Always the batch call: it serves one input as well as many, and the endpoint cannot see the inputs. */
function encodeEmbeddingRequest(request: EmbeddingRequest, target: UpstreamTarget): JsonObject {
  const model = resourceName(target.model);
  return {
    requests: request.inputs.map((text) => {
      const entry: JsonObject = { model, content: { parts: [{ text }] } };
      if (typeof request.extras.taskType === "string") entry.taskType = request.extras.taskType;
      if (typeof request.extras.title === "string") entry.title = request.extras.title;
      if (request.dimensions !== undefined) entry.outputDimensionality = request.dimensions;
      return entry;
    }),
  };
}

function valuesOf(embedding: unknown): number[] {
  return isObject(embedding) && Array.isArray(embedding.values) ? embedding.values.filter((value): value is number => typeof value === "number") : [];
}

function decodeEmbeddingResponse(body: JsonObject): EmbeddingResponse {
  const embeddings = Array.isArray(body.embeddings) ? body.embeddings.map(valuesOf) : isObject(body.embedding) ? [valuesOf(body.embedding)] : [];
  return { model: "", embeddings };
}

export const embeddings: EmbeddingsCodec = {
  decodeRequest: decodeEmbeddingRequest,
  encodeResponse: encodeEmbeddingResponse,
  endpoint: (target) => methodEndpoint(target, "batchEmbedContents"),
  encodeRequest: encodeEmbeddingRequest,
  decodeResponse: decodeEmbeddingResponse,
};
