import type { CanonicalRequest } from "../../core/canonical.ts";
import type { CountTokensCodec, JsonObject, RequestContext, UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";
import { upstreamEndpoint } from "./fast-path.ts";

/** The fields `POST /v1/responses/input_tokens` accepts; the rest of a create body is rejected. */
const COUNT_FIELDS = ["model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "text", "truncation"];

/**
 * `POST /v1/responses/input_tokens`: a create-like body (model optional) →
 * `{ object: "response.input_tokens", input_tokens }`.
 */
export const countTokens: CountTokensCodec = {
  decodeRequest(body: JsonObject, context: RequestContext): CanonicalRequest {
    return decodeRequest(body, context, { requireModel: false });
  },
  encodeResponse(inputTokens: number): JsonObject {
    return { object: "response.input_tokens", input_tokens: inputTokens };
  },
  endpoint(target: UpstreamTarget) {
    const endpoint = upstreamEndpoint(target);
    return { ...endpoint, url: `${endpoint.url}/input_tokens` };
  },
  encodeRequest(request: CanonicalRequest, target: UpstreamTarget): JsonObject {
    const { body } = encodeRequest(request, { ...target, stream: false });
    const counted: JsonObject = {};
    for (const field of COUNT_FIELDS) if (body[field] !== undefined) counted[field] = body[field];
    return counted;
  },
  decodeResponse(body: JsonObject): number {
    return typeof body.input_tokens === "number" ? body.input_tokens : 0;
  },
};
