import type { WireProtocol } from "../../core/wire-protocol.ts";
import { countTokens } from "./count-tokens.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeResponse } from "./decode-response.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeRequest } from "./encode-request.ts";
import { encodeResponse } from "./encode-response.ts";
import { encodeStream, KEEP_ALIVE_FRAME } from "./encode-stream.ts";
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

/** Anthropic Messages (`POST /v1/messages`, `/v1/messages/count_tokens`). No embeddings endpoint. */
export const anthropic: WireProtocol = {
  name: "anthropic",
  peek,
  decodeRequest,
  encodeResponse,
  encodeStream: (request, context) => encodeStream(request, context.promptTokens),
  encodeError,
  encodeStreamError,
  errorHeaders,
  keepAliveFrame: KEEP_ALIVE_FRAME,
  upstreamEndpoint: (target) => upstreamEndpoint(target),
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
