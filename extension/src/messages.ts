import { browser } from "wxt/browser";
import type { ChatToolKind, GatewayTarget } from "./chat-tools/types.ts";

/** Messages to the background. Content scripts never read the settings themselves. */
export type Message =
  /** Is this page a chat tool the prompt should appear on? */
  | { type: "chat-tool:lookup"; url: string }
  /** The user clicked "use llmio here": the gateway URL, a client key and its models for the sending page. */
  | { type: "chat-tool:target" }
  /** What the sending page's app is connected to now (read from its own settings); `model` when known. */
  | { type: "chat-tool:status"; tool: ChatToolKind; connected: boolean; model?: string }
  /** Settings changed: re-register content scripts and repaint the badge. */
  | { type: "settings-changed" };

export interface LookupAnswer {
  tool: ChatToolKind | "auto";
  appUrl: string;
  gatewayUrl: string;
}

export type TargetAnswer = { ok: true; target: GatewayTarget } | { ok: false; message: string };

export interface Answers {
  "chat-tool:lookup": LookupAnswer | null;
  "chat-tool:target": TargetAnswer;
  "chat-tool:status": null;
  "settings-changed": null;
}

export function sendMessage<M extends Message>(message: M): Promise<Answers[M["type"]]> {
  return browser.runtime.sendMessage(message) as Promise<Answers[M["type"]]>;
}
