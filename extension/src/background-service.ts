import { browser } from "wxt/browser";
import { refreshBadge } from "./badge.ts";
import { chatToolConnectionsItem, withReport } from "./chat-tools/connections.ts";
import { findChatToolHost } from "./chat-tools/index.ts";
import type { Answers, Message } from "./messages.ts";
import { hasHostAccess, prefixPattern } from "./permissions.ts";
import { readSettings } from "./settings.ts";
import { resolveToolKey } from "./tool-key.ts";

/** Id of the dynamically registered content script for the user's chat-tool hosts. */
export const USER_HOSTS_SCRIPT_ID = "llmio-chat-tools-user-hosts";
/** Where WXT writes `entrypoints/chat-tools.content.ts`. */
export const CHAT_TOOLS_SCRIPT_FILE = "content-scripts/chat-tools.js";
export const OPEN_ADMIN_MENU_ID = "llmio-open-admin";

export async function handleMessage(message: Message, senderUrl: string | undefined): Promise<Answers[Message["type"]]> {
  switch (message.type) {
    case "chat-tool:lookup": {
      const settings = await readSettings();
      // Without any key the click could not work: no prompt until the extension is set up.
      if (!settings.credential && !settings.toolKey) return null;
      const host = findChatToolHost(message.url, settings.chatToolHosts);
      return host ? { tool: host.tool, appUrl: host.url, gatewayUrl: settings.gatewayUrl } : null;
    }
    case "chat-tool:target": {
      // Only a content script on a configured chat-tool page gets a key; the page is the sender's,
      // whatever the message says.
      const settings = await readSettings();
      if (!senderUrl || !findChatToolHost(senderUrl, settings.chatToolHosts)) {
        return { ok: false, message: "This page is not in llmio's chat-tool list." };
      }
      try {
        const key = await resolveToolKey(settings);
        return { ok: true, target: { gatewayUrl: settings.gatewayUrl, key, models: await gatewayModels(settings.gatewayUrl, key) } };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    }
    case "chat-tool:status": {
      // Recorded under the sender's configured host, never a URL the message names.
      const settings = await readSettings();
      const host = senderUrl ? findChatToolHost(senderUrl, settings.chatToolHosts) : undefined;
      if (!host) return null;
      const report = message.connected ? { tool: message.tool, gatewayUrl: settings.gatewayUrl, model: message.model, checkedAt: Date.now() } : undefined;
      await chatToolConnectionsItem.setValue(withReport(await chatToolConnectionsItem.getValue(), host.url, report));
      return null;
    }
    case "settings-changed":
      await Promise.all([syncChatToolScripts(), refreshBadgeFromSettings()]);
      return null;
  }
}

/** The models the key may use (`GET /v1/models`), for the tool's model list; none when the gateway cannot say. */
export async function gatewayModels(gatewayUrl: string, key: string): Promise<string[]> {
  try {
    const response = await fetch(`${gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) return [];
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    return (body.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === "string");
  } catch {
    return [];
  }
}

export async function refreshBadgeFromSettings(): Promise<void> {
  await refreshBadge(await readSettings());
}

let syncing: Promise<unknown> = Promise.resolve();

/**
 * Registers the chat-tool content script for the user's hosts that have been granted (the
 * built-in hosts are in the manifest). Replaces the previous registration wholesale; calls
 * are queued, as two overlapping ones would register the same id twice.
 */
export function syncChatToolScripts(): Promise<string[]> {
  const next = syncing.then(registerForUserHosts, registerForUserHosts);
  syncing = next.catch(() => undefined);
  return next;
}

async function registerForUserHosts(): Promise<string[]> {
  const scripting = browser.scripting;
  if (!scripting?.registerContentScripts) return [];
  const { chatToolHosts } = await readSettings();
  const granted = await Promise.all(chatToolHosts.map(async (host) => ((await hasHostAccess(host.url).catch(() => false)) ? host : undefined)));
  const matches = [...new Set(granted.filter((host) => host !== undefined).map((host) => prefixPattern(host.url)))];
  const existing = await scripting.getRegisteredContentScripts({ ids: [USER_HOSTS_SCRIPT_ID] }).catch(() => []);
  if (existing.length > 0) await scripting.unregisterContentScripts({ ids: [USER_HOSTS_SCRIPT_ID] });
  if (matches.length > 0) {
    await scripting.registerContentScripts([{ id: USER_HOSTS_SCRIPT_ID, matches, js: [CHAT_TOOLS_SCRIPT_FILE], runAt: "document_idle" }]);
  }
  return matches;
}

/** "Open llmio admin" on the toolbar button's context menu (menus do not survive a restart in Firefox). */
export async function createContextMenu(title: string): Promise<void> {
  const menus = browser.contextMenus;
  if (!menus) return;
  await menus.removeAll();
  const context = import.meta.env.MANIFEST_VERSION === 2 ? "browser_action" : "action";
  menus.create({ id: OPEN_ADMIN_MENU_ID, title, contexts: [context as "action"] });
}
