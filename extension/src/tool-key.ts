import { GatewayClient } from "./api/client.ts";
import { probeGateway } from "./connection.ts";
import { toolKeyItem, type Settings } from "./settings.ts";

export const TOOL_KEY_NAME = "llmio browser extension (chat tools)";

/**
 * The client key to hand to a chat tool or show for copy-paste, never the admin token:
 * the stored tool key; else the credential when it is a client key; else (admin token) a new
 * client key issued through the admin API and stored for next time.
 */
export async function resolveToolKey(settings: Settings, client = new GatewayClient({ baseUrl: settings.gatewayUrl, credential: settings.credential })): Promise<string> {
  if (settings.toolKey) return settings.toolKey;
  const connection = await probeGateway(client);
  if (connection.kind === "client") return settings.credential;
  if (connection.kind === "unauthorized") {
    throw new Error(connection.reason === "missing" ? "Set the admin token or a client key in the llmio options first." : "The gateway refused the token in the llmio options; update it there.");
  }
  if (connection.kind !== "admin") throw new Error(`The gateway is not reachable: ${connection.message}`);
  const created = await client.createClientKey(TOOL_KEY_NAME);
  await toolKeyItem.setValue(created.key);
  return created.key;
}
