import type { WireProtocol } from "../../core/wire-protocol.ts";
import { countTokens } from "./count-tokens.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeResponse } from "./decode-response.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeRequest } from "./encode-request.ts";
import { encodeResponse } from "./encode-response.ts";
import { encodeStream } from "./encode-stream.ts";
import { decodeError, errorInResponse, encodeError, encodeStreamError, errorHeaders } from "./errors.ts";
import {
  isPreambleEvent,
  isStreamEnd,
  peek,
  prepareUpstreamBody,
  streamEventError,
  upstreamEndpoint,
  usageFromResponse,
  usageFromStreamEvent,
} from "./fast-path.ts";

/**
 * OpenAI Responses (`POST /v1/responses`), the only wire Codex CLI speaks. Clients and
 * providers both; `POST /v1/responses/input_tokens` counts tokens. `/v1/responses/compact`
 * needs no codec: it is forwarded as is to Responses providers.
 */
export const openaiResponses: WireProtocol = {
  name: "openai-responses",
  peek,
  decodeRequest: (body, context) => decodeRequest(body, context),
  encodeResponse,
  encodeStream,
  encodeError,
  encodeStreamError,
  errorHeaders,
  keepAliveFrame: ": keep-alive\n\n",
  upstreamEndpoint,
  prepareUpstreamBody,
  encodeRequest,
  decodeResponse,
  decodeStream,
  decodeError,
  errorInResponse,
  usageFromResponse,
  usageFromStreamEvent,
  isStreamEnd,
  streamEventError,
  isPreambleEvent,
  countTokens,
};
