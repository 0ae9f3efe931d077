import type { WireProtocol } from "../../core/wire-protocol.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeResponse } from "./decode-response.ts";
import { decodeStream } from "./decode-stream.ts";
import { openaiEmbeddings } from "./embeddings.ts";
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
 * OpenAI Chat Completions (`/v1/chat/completions`) and OpenAI embeddings (`/v1/embeddings`).
 * No token-counting endpoint exists in this protocol.
 */
export const openaiChat: WireProtocol = {
  name: "openai-chat",
  peek,
  decodeRequest,
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
  embeddings: openaiEmbeddings,
};
