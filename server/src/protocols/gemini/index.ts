import type { WireProtocol } from "../../core/wire-protocol.ts";
import { countTokens } from "./count-tokens.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeResponse } from "./decode-response.ts";
import { decodeStream } from "./decode-stream.ts";
import { embeddings } from "./embeddings.ts";
import { encodeRequest } from "./encode-request.ts";
import { encodeResponse } from "./encode-response.ts";
import { encodeStream } from "./encode-stream.ts";
import { decodeError, errorInResponse, encodeError, encodeStreamError } from "./errors.ts";
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
 * Gemini `generativelanguage` v1beta (`/v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` with and without `alt=sse`, `:countTokens`, `:embedContent`,
 * `:batchEmbedContents`). Model and stream mode come from the URL via RequestContext.
 *
 * The keep-alive is a bare line break: the one frame that is valid in both stream
 * framings (an empty SSE line dispatches nothing; JSON allows whitespace between array
 * elements), and Google's SDKs trim it away.
 */
export const gemini: WireProtocol = {
  name: "gemini",
  peek,
  decodeRequest,
  encodeResponse,
  encodeStream,
  encodeError,
  encodeStreamError,
  keepAliveFrame: "\n",
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
  embeddings,
};
