import { chooseDefaultModel, describeModels } from "./models.ts";
import { TrpcError, trpcMutation, trpcQuery } from "./trpc.ts";
import type { ApplyResult, ChatTool, GatewayTarget, ToolConnection, ToolPage } from "./types.ts";

/**
 * LobeHub (formerly LobeChat) keeps providers and models server-side (the aiInfra tables) and
 * reads chat keys only from there: the old `?settings={"keyVaults":...}` import still writes
 * user settings, but chat requests no longer use them. So we call the API its settings page
 * calls, from the signed-in page: the OpenAI provider gets the gateway (in client request mode,
 * as a hosted LobeHub server cannot reach a loopback gateway), the gateway's models become the
 * enabled OpenAI models, and the default agent uses one of them.
 * (lobehub/lobe-chat src/server/routers/lambda/aiProvider.ts, aiModel.ts, user.ts)
 */
export const LOBE_PROVIDER = "openai";

/** `aiProvider.getAiProviderById`, the fields we use. */
export interface LobeProvider {
  enabled?: boolean;
  fetchOnClient?: boolean | null;
  keyVaults?: { apiKey?: string; baseURL?: string };
}

/** `aiModel.getAiProviderModelList` items, the fields we use. */
export interface LobeModel {
  id: string;
  enabled: boolean;
  type?: string;
}

/** Which models to create, enable and disable so that the enabled chat models are the gateway's. */
export function lobeModelChanges(existing: LobeModel[], gateway: string[]) {
  const known = new Set(existing.map((model) => model.id));
  return {
    create: gateway.filter((id) => !known.has(id)),
    enable: existing.filter((model) => gateway.includes(model.id) && !model.enabled).map((model) => model.id),
    disable: existing.filter((model) => !gateway.includes(model.id) && model.enabled && (model.type ?? "chat") === "chat").map((model) => model.id),
  };
}

export function lobeConnection(provider: LobeProvider | undefined, defaultModel?: string): ToolConnection | undefined {
  const baseUrl = provider?.keyVaults?.baseURL;
  if (!provider?.enabled || !baseUrl || !provider.keyVaults?.apiKey) return undefined;
  return { baseUrl, model: defaultModel };
}

interface UserState {
  settings?: { defaultAgent?: { config?: { model?: string; provider?: string } } };
}

async function defaultAgentModel(page: ToolPage): Promise<string | undefined> {
  const state = await trpcQuery<UserState>(page, "user.getUserState", undefined).catch(() => undefined);
  const config = state?.settings?.defaultAgent?.config;
  return config?.provider === LOBE_PROVIDER ? config.model : undefined;
}

async function applyLobeChat(target: GatewayTarget, page: ToolPage): Promise<ApplyResult> {
  try {
    await trpcQuery<LobeProvider>(page, "aiProvider.getAiProviderById", { id: LOBE_PROVIDER });
  } catch (error) {
    if (error instanceof TrpcError && error.status === 401) return { ok: false, message: "Sign in to LobeHub first, then click again." };
    throw error;
  }
  await trpcMutation(page, "aiProvider.updateAiProviderConfig", {
    id: LOBE_PROVIDER,
    value: { keyVaults: { apiKey: target.key, baseURL: `${target.gatewayUrl}/v1` }, fetchOnClient: true },
  });
  await trpcMutation(page, "aiProvider.toggleProviderEnabled", { id: LOBE_PROVIDER, enabled: true });

  const model = chooseDefaultModel(target.models, await defaultAgentModel(page));
  if (model) {
    const existing = await trpcQuery<LobeModel[]>(page, "aiModel.getAiProviderModelList", { id: LOBE_PROVIDER });
    const changes = lobeModelChanges(existing ?? [], target.models);
    for (const id of changes.create) {
      await trpcMutation(page, "aiModel.createAiModel", { id, providerId: LOBE_PROVIDER, type: "chat", displayName: id, enabled: true });
    }
    for (const id of changes.enable) await trpcMutation(page, "aiModel.toggleModelEnabled", { id, providerId: LOBE_PROVIDER, enabled: true });
    if (changes.disable.length > 0) await trpcMutation(page, "aiModel.batchToggleAiModels", { id: LOBE_PROVIDER, models: changes.disable, enabled: false });
    // Both fields together, as LobeHub's own setSettings stores them.
    await trpcMutation(page, "user.updateSettings", { defaultAgent: { config: { provider: LOBE_PROVIDER, model } } });
  }
  // The app loaded its provider and model lists at start: reload it onto the new ones.
  page.reload();
  return { ok: true, message: `LobeHub's OpenAI provider now uses llmio (${describeModels(target.models, model)}). Reloading…` };
}

export const lobeChat: ChatTool = {
  kind: "lobechat",
  label: "LobeHub",
  detect: (document) => /LobeChat|LobeHub/i.test(document.title),
  async readConnection(page) {
    const provider = await trpcQuery<LobeProvider>(page, "aiProvider.getAiProviderById", { id: LOBE_PROVIDER });
    return lobeConnection(provider, await defaultAgentModel(page));
  },
  apply: applyLobeChat,
};
