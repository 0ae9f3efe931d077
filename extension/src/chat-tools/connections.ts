import { storage } from "wxt/utils/storage";
import type { ChatToolKind } from "./types.ts";

/**
 * Chat tools found already pointing at a gateway, as their pages reported it (the content
 * script reads each app's own settings). The popup shows them as "connected".
 */
export interface ToolConnectionRecord {
  /** The configured host the page belongs to. */
  appUrl: string;
  tool: ChatToolKind;
  /** The gateway root the tool was found using. */
  gatewayUrl: string;
  /** The model new chats use there, when the app says. */
  model?: string;
  checkedAt: number;
}

export const chatToolConnectionsItem = storage.defineItem<Record<string, ToolConnectionRecord>>("local:chatToolConnections", { fallback: {} });

/** The records after a page reported in: a connected tool is (re)recorded, a disconnected one dropped. */
export function withReport(records: Record<string, ToolConnectionRecord>, appUrl: string, report: Omit<ToolConnectionRecord, "appUrl"> | undefined): Record<string, ToolConnectionRecord> {
  const next = { ...records };
  if (report) next[appUrl] = { appUrl, ...report };
  else delete next[appUrl];
  return next;
}

/** The tools connected to this gateway, by host URL. */
export function connectedTo(records: Record<string, ToolConnectionRecord>, gatewayUrl: string): ToolConnectionRecord[] {
  return Object.values(records)
    .filter((record) => record.gatewayUrl === gatewayUrl)
    .sort((a, b) => a.appUrl.localeCompare(b.appUrl));
}
