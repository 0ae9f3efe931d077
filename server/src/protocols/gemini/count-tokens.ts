/**
 * `POST /v1beta/models/{model}:countTokens`: the body is `{contents}` or
 * `{generateContentRequest: {model, contents, systemInstruction, tools, …}}`; the answer
 * `{"totalTokens": N}`. Gemini CLI needs it (it prints "Could not determine token count"
 * without). https://ai.google.dev/api/tokens#method:-models.counttokens
 */
import type { CanonicalRequest } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { CountTokensCodec, JsonObject, RequestContext, UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeGenerateRequest, requireModel } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";
import { methodEndpoint, resourceName } from "./model-path.ts";
import { isObject, numberOf } from "../../core/json-values.ts";
import type { GeminiCountTokensRequest, GeminiRequest } from "./wire-types.ts";

function decodeCountRequest(body: JsonObject, context: RequestContext): CanonicalRequest {
  const { contents, generateContentRequest } = body as GeminiCountTokensRequest;
  if (isObject(generateContentRequest)) {
    const inner = generateContentRequest as GeminiRequest;
    const model = requireModel(inner as JsonObject, context);
    return decodeGenerateRequest(inner, model, false);
  }
  if (!Array.isArray(contents)) {
    throw new GatewayError("bad_request", "countTokens needs `contents` or `generateContentRequest`", { param: "contents" });
  }
  return decodeGenerateRequest({ contents }, requireModel(body, context), false);
}

/**
 * The whole request is counted through `generateContentRequest`, so the system
 * instruction and tools count too (plain `contents` would leave them out).
 */
function encodeCountRequest(request: CanonicalRequest, target: UpstreamTarget): JsonObject {
  const { body } = encodeRequest(request, target);
  const { generationConfig: _unused, ...countable } = body;
  return { generateContentRequest: { model: resourceName(target.model), ...countable } };
}

export const countTokens: CountTokensCodec = {
  decodeRequest: decodeCountRequest,
  encodeResponse: (inputTokens) => ({ totalTokens: inputTokens }),
  endpoint: (target) => methodEndpoint(target, "countTokens"),
  encodeRequest: encodeCountRequest,
  decodeResponse: (body) => numberOf(body.totalTokens) ?? 0,
};
