import type { WireProtocol } from "../../core/wire-protocol.ts";
import { encodeError, encodeStreamError } from "./errors.ts";
import { peekRequest, prepareUpstreamBody, upstreamEndpoint } from "./request.ts";
import { isStreamEnd, streamEventError } from "./stream-events.ts";
import { usageFromResponse, usageFromStreamEvent } from "./usage.ts";

/** OpenAI Chat Completions (`/v1/chat/completions`). */
export const openaiChat: WireProtocol = {
  name: "openai-chat",
  peek: peekRequest,
  prepareUpstreamBody,
  upstreamEndpoint,
  usageFromResponse,
  usageFromStreamEvent,
  isStreamEnd,
  streamEventError,
  encodeError,
  encodeStreamError,
};
