import { browser } from "wxt/browser";
import { GatewayClient } from "./api/client.ts";
import type { ProviderHealth } from "@llmio/contract";
import { probeGateway, type Connection } from "./connection.ts";
import type { Settings } from "./settings.ts";
import { badgeFor, summarize, type Badge } from "./status.ts";

/** `action` in MV3, `browserAction` in Firefox MV2. */
function toolbarButton() {
  return browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
}

export async function showBadge(badge: Badge): Promise<void> {
  const button = toolbarButton();
  if (!button) return;
  await Promise.all([
    button.setBadgeText({ text: badge.text }),
    button.setBadgeBackgroundColor({ color: badge.color }),
    button.setTitle({ title: badge.title }),
  ]);
  // Chrome ≥ 110 and Firefox ≥ 63 pick a text colour; white reads best on all three colours.
  await button.setBadgeTextColor?.({ color: "#ffffff" });
}

/** Probes the gateway (and, with the admin token, provider health) and paints the toolbar badge. */
export async function refreshBadge(settings: Pick<Settings, "gatewayUrl" | "credential">): Promise<Connection> {
  const client = new GatewayClient({ baseUrl: settings.gatewayUrl, credential: settings.credential });
  const connection = await probeGateway(client);
  let providers: ProviderHealth[] = [];
  if (connection.kind === "admin") providers = await client.providerHealth().catch(() => []);
  await showBadge(badgeFor(connection, summarize(connection, providers)));
  return connection;
}
