import { chooseDefaultModel, describeModels } from "./models.ts";
import { NEXTCHAT_ACCESS_KEY, NEXTCHAT_CONFIG_KEY, readNextChatStores, writeNextChatStores, type PersistedStore } from "./nextchat-store.ts";
import type { ChatTool, GatewayTarget, ToolConnection, ToolPage } from "./types.ts";

/**
 * NextChat is set up by writing its own persisted stores, then reloading it. Its `#/?settings=`
 * fast link carries only key and URL (no models), shows the key in its confirm dialog, and
 * leaves the key in the browser history (the app removes the parameter with a push).
 */

/** The provider NextChat's OpenAI client answers to; `@OpenAI` scopes a custom model to it. */
const PROVIDER = "OpenAI";

/** NextChat's custom-model syntax: hide every built-in model, then add the gateway's. */
export function nextChatCustomModels(models: string[]): string {
  // `,` separates entries and `=` renames: ids with them cannot be written.
  const usable = models.filter((id) => !/[,=]/.test(id));
  return ["-all", ...usable.map((id) => `+${id}@${PROVIDER}`)].join(",");
}

/** access-control with the gateway as its custom OpenAI endpoint (NextChat appends `/v1/...` itself). */
export function withGatewayAccess(access: PersistedStore, target: GatewayTarget, now = Date.now()): PersistedStore {
  return {
    ...access,
    state: { ...access.state, useCustomConfig: true, provider: PROVIDER, openaiUrl: target.gatewayUrl, openaiApiKey: target.key, _hasHydrated: true, lastUpdateTime: now },
  };
}

/** app-config with the gateway's models as the model list and `model` for new chats. */
export function withGatewayModels(config: PersistedStore, models: string[], model: string, now = Date.now()): PersistedStore {
  const modelConfig = (config.state.modelConfig ?? {}) as Record<string, unknown>;
  return {
    ...config,
    state: {
      ...config.state,
      customModels: nextChatCustomModels(models),
      // Summaries use compressModel; left on a built-in model they would fail on the gateway.
      modelConfig: { ...modelConfig, model, providerName: PROVIDER, compressModel: model, compressProviderName: PROVIDER },
      _hasHydrated: true,
      lastUpdateTime: now,
    },
  };
}

/** Where NextChat sends requests: its custom endpoint when `useCustomConfig` is on. */
export function nextChatConnection(access: PersistedStore | undefined, config: PersistedStore | undefined): ToolConnection | undefined {
  const state = access?.state;
  if (!state || state.useCustomConfig !== true || typeof state.openaiUrl !== "string" || !state.openaiApiKey) return undefined;
  const model = (config?.state.modelConfig as { model?: unknown } | undefined)?.model;
  return { baseUrl: state.openaiUrl, model: typeof model === "string" ? model : undefined };
}

async function readStores(page: ToolPage) {
  return readNextChatStores(page.indexedDB, page.localStorage, [NEXTCHAT_ACCESS_KEY, NEXTCHAT_CONFIG_KEY]);
}

export const nextChat: ChatTool = {
  kind: "nextchat",
  label: "NextChat",
  detect: (document) => /NextChat|ChatGPT Next Web/i.test(document.title),
  async readConnection(page) {
    const stores = await readStores(page);
    return nextChatConnection(stores[NEXTCHAT_ACCESS_KEY], stores[NEXTCHAT_CONFIG_KEY]);
  },
  async apply(target, page) {
    const stores = await readStores(page);
    const access = stores[NEXTCHAT_ACCESS_KEY];
    const config = stores[NEXTCHAT_CONFIG_KEY];
    // The app writes both stores once it has loaded; writing a partial app-config instead would
    // drop its model settings (the app merges stored state shallowly).
    if (!access || !config) return { ok: false, message: "NextChat has not finished loading; wait a moment, then click again." };
    const current = (config.state.modelConfig as { model?: string } | undefined)?.model;
    const model = chooseDefaultModel(target.models, current);
    const next: Record<string, PersistedStore> = { [NEXTCHAT_ACCESS_KEY]: withGatewayAccess(access, target) };
    if (model) next[NEXTCHAT_CONFIG_KEY] = withGatewayModels(config, target.models, model);
    await writeNextChatStores(page.indexedDB, next);
    // The running app would overwrite the stores on its next change: reload it onto them now.
    page.reload();
    return { ok: true, message: `NextChat now uses llmio (${describeModels(target.models, model)}). Reloading…` };
  },
};
