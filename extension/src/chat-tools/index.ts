import type { ChatToolHost } from "../settings.ts";
import { lobeChat } from "./lobechat.ts";
import { nextChat } from "./nextchat.ts";
import { openWebUi } from "./open-webui.ts";
import { settingsForm } from "./settings-form.ts";
import type { ChatTool, ChatToolKind } from "./types.ts";

export const CHAT_TOOLS: Record<ChatToolKind, ChatTool> = {
  nextchat: nextChat,
  lobechat: lobeChat,
  "open-webui": openWebUi,
  form: settingsForm,
};

/** Tried in this order on "auto" hosts; the generic form comes last. */
const DETECTION_ORDER: ChatToolKind[] = ["nextchat", "lobechat", "open-webui"];

/**
 * Public instances the content script is declared for (install-time, so they work without
 * a prompt). Self-hosted instances are added by the user in the options page.
 */
export const BUILT_IN_CHAT_TOOL_HOSTS: ChatToolHost[] = [
  { url: "https://app.nextchat.dev/", tool: "nextchat" },
  { url: "https://chat-preview.lobehub.com/", tool: "lobechat" },
];

export const BUILT_IN_CHAT_TOOL_MATCHES = BUILT_IN_CHAT_TOOL_HOSTS.map((host) => `${host.url}*`);

/** The tool a page shows, for hosts left on "auto". */
export function detectChatTool(document: Document): ChatToolKind | undefined {
  return DETECTION_ORDER.find((kind) => CHAT_TOOLS[kind].detect(document));
}

/** The configured host a URL belongs to (longest matching prefix), built-in ones included. */
export function findChatToolHost(url: string, userHosts: ChatToolHost[]): ChatToolHost | undefined {
  let page: URL;
  try {
    page = new URL(url);
  } catch {
    return undefined;
  }
  const address = `${page.origin}${page.pathname}`;
  return [...userHosts, ...BUILT_IN_CHAT_TOOL_HOSTS]
    .filter((host) => {
      const prefix = host.url.endsWith("/") ? host.url : `${host.url}/`;
      return address.startsWith(prefix) || `${address}/` === prefix;
    })
    .sort((a, b) => b.url.length - a.url.length)[0];
}

export type { ChatTool, ChatToolKind, ToolConnection } from "./types.ts";
