import type { CanonicalRequest } from "../../core/canonical.ts";
import type { CountTokensCodec, JsonObject, RequestContext, UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";
import { upstreamEndpoint } from "./fast-path.ts";
import { numberOf } from "../../core/json-values.ts";

/** The fields `/v1/messages/count_tokens` accepts; it rejects `max_tokens`, `stream` and sampling knobs. */
const COUNT_FIELDS = ["model", "system", "messages", "tools", "tool_choice", "thinking"];

/**
 * `POST /v1/messages/count_tokens` → `{"input_tokens": N}`. The request is a Messages body
 * without `max_tokens`. https://docs.claude.com/en/api/messages-count-tokens
 */
export const countTokens: CountTokensCodec = {
  decodeRequest(body: JsonObject, context: RequestContext): CanonicalRequest {
    return decodeRequest(body, context);
  },
  encodeResponse(inputTokens: number): JsonObject {
    return { input_tokens: inputTokens };
  },
  endpoint(target: UpstreamTarget) {
    return upstreamEndpoint(target, "/messages/count_tokens");
  },
  encodeRequest(request: CanonicalRequest, target: UpstreamTarget): JsonObject {
    // output_config is not counted (and a strict schema Anthropic cannot enforce must not refuse a count).
    const { body } = encodeRequest({ ...request, responseFormat: request.responseFormat?.type === "json-schema" ? undefined : request.responseFormat }, { ...target, stream: false });
    return Object.fromEntries(COUNT_FIELDS.filter((field) => body[field] !== undefined).map((field) => [field, body[field]]));
  },
  decodeResponse(body: JsonObject): number {
    return numberOf(body.input_tokens) ?? 0;
  },
};
