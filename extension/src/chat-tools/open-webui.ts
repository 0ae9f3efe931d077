import { chooseDefaultModel, describeModels, gatewayRootOf } from "./models.ts";
import type { ApplyResult, ChatTool, GatewayTarget, ToolConnection, ToolPage } from "./types.ts";

/**
 * Open WebUI's OpenAI connection settings (`GET /openai/config`, `POST /openai/config/update`,
 * admin only). Builds may add fields, so the whole object is sent back with our changes.
 */
export interface OpenWebUiConfig {
  ENABLE_OPENAI_API?: boolean | null;
  OPENAI_API_BASE_URLS?: string[];
  OPENAI_API_KEYS?: string[];
  OPENAI_API_CONFIGS?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

/** The gateway's connection index in a config, when it is there. */
export function gatewayConnectionIndex(config: OpenWebUiConfig, gatewayUrl: string): number {
  return (config.OPENAI_API_BASE_URLS ?? []).findIndex((url) => gatewayRootOf(url) === gatewayRootOf(gatewayUrl));
}

/**
 * Adds the gateway as an OpenAI connection, keeping the ones already there; a connection with
 * the same URL gets the new key instead of a duplicate. Keys and configs are index-aligned.
 * No `model_ids`: Open WebUI then lists the gateway's `/v1/models` itself, new models included.
 */
export function withGatewayConnection(current: OpenWebUiConfig, target: Pick<GatewayTarget, "gatewayUrl" | "key">): OpenWebUiConfig {
  const url = `${target.gatewayUrl}/v1`;
  const urls = [...(current.OPENAI_API_BASE_URLS ?? [])];
  const keys = [...(current.OPENAI_API_KEYS ?? [])];
  const configs = { ...(current.OPENAI_API_CONFIGS ?? {}) };
  let index = gatewayConnectionIndex(current, target.gatewayUrl);
  if (index === -1) index = urls.push(url) - 1;
  while (keys.length < urls.length) keys.push("");
  keys[index] = target.key;
  configs[String(index)] = { ...configs[String(index)], enable: true, connection_type: "external", model_ids: [] };
  return { ...current, ENABLE_OPENAI_API: true, OPENAI_API_BASE_URLS: urls, OPENAI_API_KEYS: keys, OPENAI_API_CONFIGS: configs };
}

/** The id Open WebUI shows for a gateway model: with the connection's `prefix_id`, if it has one. */
export function openWebUiModelId(config: OpenWebUiConfig, gatewayUrl: string, model: string): string {
  const index = gatewayConnectionIndex(config, gatewayUrl);
  const prefix = config.OPENAI_API_CONFIGS?.[String(index)]?.prefix_id;
  return typeof prefix === "string" && prefix ? `${prefix}.${model}` : model;
}

/** The gateway connection, when it is present and switched on. */
export function openWebUiConnection(config: OpenWebUiConfig, gatewayUrl: string): ToolConnection | undefined {
  const index = gatewayConnectionIndex(config, gatewayUrl);
  if (index === -1 || config.ENABLE_OPENAI_API === false || config.ENABLE_OPENAI_API === null) return undefined;
  if (config.OPENAI_API_CONFIGS?.[String(index)]?.enable === false || !config.OPENAI_API_KEYS?.[index]) return undefined;
  return { baseUrl: config.OPENAI_API_BASE_URLS![index]! };
}

/** The signed-in user's token (Open WebUI keeps it in `localStorage.token`) as request headers. */
function authHeaders(page: ToolPage): Record<string, string> | undefined {
  const token = page.localStorage.getItem("token");
  return token ? { authorization: `Bearer ${token}`, "content-type": "application/json" } : undefined;
}

async function readConfig(page: ToolPage, headers: Record<string, string>): Promise<Response> {
  return page.fetch(`${new URL(page.href).origin}/openai/config`, { headers, credentials: "include" });
}

/**
 * New chats' model for this user: user settings `ui.models`, the list Open WebUI's model
 * selector saves as the user's default. The endpoint stores `ui` whole, so it is merged.
 */
async function setUserDefaultModel(page: ToolPage, headers: Record<string, string>, model: string): Promise<boolean> {
  const origin = new URL(page.href).origin;
  const current = await page.fetch(`${origin}/api/v1/users/user/settings`, { headers, credentials: "include" });
  if (!current.ok) return false;
  const settings = ((await current.json()) ?? {}) as { ui?: Record<string, unknown> };
  const body = { ...settings, ui: { ...(settings.ui ?? {}), models: [model] } };
  const update = await page.fetch(`${origin}/api/v1/users/user/settings/update`, { method: "POST", headers, credentials: "include", body: JSON.stringify(body) });
  return update.ok;
}

/**
 * Open WebUI keeps connections server-side; its own frontend changes them with the signed-in
 * user's token from `localStorage.token` (admin only). We call the same API from the page.
 */
async function applyOpenWebUi(target: GatewayTarget, page: ToolPage): Promise<ApplyResult> {
  const headers = authHeaders(page);
  if (!headers) return { ok: false, message: "Sign in to Open WebUI (as an admin) first, then click again." };
  const current = await readConfig(page, headers);
  if (current.status === 401 || current.status === 403) return { ok: false, message: "Only an Open WebUI admin can add connections." };
  if (!current.ok) return { ok: false, message: `Open WebUI answered ${current.status} to /openai/config.` };
  const config = withGatewayConnection((await current.json()) as OpenWebUiConfig, target);
  const update = await page.fetch(`${new URL(page.href).origin}/openai/config/update`, { method: "POST", headers, credentials: "include", body: JSON.stringify(config) });
  if (!update.ok) return { ok: false, message: `Open WebUI refused the update (${update.status}).` };
  const model = chooseDefaultModel(target.models);
  const defaultSet = model !== undefined && (await setUserDefaultModel(page, headers, openWebUiModelId(config, target.gatewayUrl, model)));
  // Its frontend loaded the model list and the user's settings at start.
  page.reload();
  return {
    ok: true,
    message: `Added ${target.gatewayUrl}/v1 as an OpenAI connection (${describeModels(target.models, defaultSet ? model : undefined)}). Open WebUI calls it from its server: in Docker, use host.docker.internal instead of 127.0.0.1. Reloading…`,
  };
}

export const openWebUi: ChatTool = {
  kind: "open-webui",
  label: "Open WebUI",
  detect: (document) => /Open WebUI/i.test(document.title) || document.querySelector('link[rel="search"][title="Open WebUI"]') !== null,
  async readConnection(page, gatewayUrl) {
    const headers = authHeaders(page);
    if (!headers) return undefined;
    const response = await readConfig(page, headers);
    // Not an admin: the connections cannot be read, which says nothing about them.
    if (!response.ok) throw new Error(`Open WebUI answered ${response.status} to /openai/config.`);
    return openWebUiConnection((await response.json()) as OpenWebUiConfig, gatewayUrl);
  },
  apply: applyOpenWebUi,
};
