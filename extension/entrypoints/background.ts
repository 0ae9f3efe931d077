import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { openAdmin } from "../src/admin-ui.ts";
import {
  createContextMenu,
  handleMessage,
  OPEN_ADMIN_MENU_ID,
  refreshBadgeFromSettings,
  syncChatToolScripts,
} from "../src/background-service.ts";
import { handleInstalled } from "../src/first-install.ts";
import { t } from "../src/i18n.ts";
import type { Message } from "../src/messages.ts";
import { chatToolHostsItem, credentialItem, gatewayUrlItem } from "../src/settings.ts";

const BADGE_ALARM = "llmio-badge";

export default defineBackground(() => {
  // Listeners first and synchronously: an MV3 service worker woken by an event needs them at once.
  browser.runtime.onMessage.addListener((message: Message, sender, sendResponse) => {
    handleMessage(message, sender.url ?? sender.tab?.url).then(sendResponse, (error: Error) => sendResponse({ ok: false, message: error.message }));
    return true; // answer asynchronously
  });
  browser.runtime.onInstalled.addListener(handleInstalled);
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BADGE_ALARM) void refreshBadgeFromSettings();
  });
  browser.commands?.onCommand.addListener((command) => {
    if (command === "open-admin") void openAdmin();
  });
  browser.contextMenus?.onClicked.addListener((info) => {
    if (info.menuItemId === OPEN_ADMIN_MENU_ID) void openAdmin();
  });
  browser.permissions.onAdded?.addListener(() => void syncChatToolScripts());
  browser.permissions.onRemoved?.addListener(() => void syncChatToolScripts());
  gatewayUrlItem.watch(() => void refreshBadgeFromSettings());
  credentialItem.watch(() => void refreshBadgeFromSettings());
  chatToolHostsItem.watch(() => void syncChatToolScripts());

  // Chrome: keep the token away from content scripts (they ask this worker instead).
  void browser.storage.local.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" });
  void browser.alarms.create(BADGE_ALARM, { periodInMinutes: 1 });
  void createContextMenu(t("openAdmin"));
  void syncChatToolScripts().catch(() => undefined);
  void refreshBadgeFromSettings();
});
