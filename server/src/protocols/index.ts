import type { WireName, WireProtocol } from "../core/wire-protocol.ts";
import { openaiChat } from "./openai-chat/index.ts";

/** Every wire protocol the gateway speaks, by name. */
export const wireProtocols: Partial<Record<WireName, WireProtocol>> = {
  "openai-chat": openaiChat,
};
