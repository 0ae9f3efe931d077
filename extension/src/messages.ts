import { browser } from "wxt/browser";
import type { ChatToolKind, GatewayTarget } from "./chat-tools/types.ts";

/** Messages to the background. Content scripts never read the settings themselves. */
export type Message =
  /** Is this page a chat tool the prompt should appear on? */
  | { type: "chat-tool:lookup"; url: string }
  /** The user clicked "use llmio here": the gateway URL and a client key for the sending page. */
  | { type: "chat-tool:target" }
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
  "settings-changed": null;
}

export function sendMessage<M extends Message>(message: M): Promise<Answers[M["type"]]> {
  return browser.runtime.sendMessage(message) as Promise<Answers[M["type"]]>;
}
