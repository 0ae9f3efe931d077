import type { ApplyResult, ChatTool, GatewayTarget, ToolPage } from "./types.ts";

/** Open WebUI's OpenAI connection settings (`GET /openai/config`, `POST /openai/config/update`). */
export interface OpenWebUiConfig {
  ENABLE_OPENAI_API?: boolean;
  OPENAI_API_BASE_URLS?: string[];
  OPENAI_API_KEYS?: string[];
  OPENAI_API_CONFIGS?: Record<string, Record<string, unknown>>;
}

/**
 * Adds the gateway as an OpenAI connection, keeping the ones already there; a connection with
 * the same URL gets the new key instead of a duplicate. Keys and configs are index-aligned.
 */
export function withGatewayConnection(current: OpenWebUiConfig, target: GatewayTarget): Required<OpenWebUiConfig> {
  const url = `${target.gatewayUrl}/v1`;
  const urls = [...(current.OPENAI_API_BASE_URLS ?? [])];
  const keys = [...(current.OPENAI_API_KEYS ?? [])];
  const configs = { ...(current.OPENAI_API_CONFIGS ?? {}) };
  let index = urls.findIndex((existing) => existing.replace(/\/+$/, "") === url);
  if (index === -1) index = urls.push(url) - 1;
  while (keys.length < urls.length) keys.push("");
  keys[index] = target.key;
  configs[String(index)] = { ...configs[String(index)], enable: true };
  return { ENABLE_OPENAI_API: true, OPENAI_API_BASE_URLS: urls, OPENAI_API_KEYS: keys, OPENAI_API_CONFIGS: configs };
}

/**
 * Open WebUI keeps connections server-side; its own frontend changes them with the signed-in
 * user's token from `localStorage.token` (admin only). We call the same API from the page.
 */
async function applyOpenWebUi(target: GatewayTarget, page: ToolPage): Promise<ApplyResult> {
  const token = page.localStorage.getItem("token");
  if (!token) return { ok: false, message: "Sign in to Open WebUI (as an admin) first, then click again." };
  const origin = new URL(page.href).origin;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const current = await page.fetch(`${origin}/openai/config`, { headers, credentials: "include" });
  if (current.status === 401 || current.status === 403) return { ok: false, message: "Only an Open WebUI admin can add connections." };
  if (!current.ok) return { ok: false, message: `Open WebUI answered ${current.status} to /openai/config.` };
  const body = withGatewayConnection((await current.json()) as OpenWebUiConfig, target);
  const update = await page.fetch(`${origin}/openai/config/update`, { method: "POST", headers, credentials: "include", body: JSON.stringify(body) });
  if (!update.ok) return { ok: false, message: `Open WebUI refused the update (${update.status}).` };
  return {
    ok: true,
    message: `Added ${target.gatewayUrl}/v1 as an OpenAI connection. Open WebUI calls it from its server: in Docker, use host.docker.internal instead of 127.0.0.1.`,
  };
}

export const openWebUi: ChatTool = {
  kind: "open-webui",
  label: "Open WebUI",
  detect: (document) => /Open WebUI/i.test(document.title),
  apply: applyOpenWebUi,
};
