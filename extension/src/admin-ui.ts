import { browser } from "wxt/browser";
import { readSettings } from "./settings.ts";

/** Opens the gateway's admin UI (it lives at the gateway's root) in a new tab. */
export async function openAdmin(): Promise<void> {
  const { gatewayUrl } = await readSettings();
  await browser.tabs.create({ url: `${gatewayUrl}/` });
}
