import { beforeEach, describe, expect, test, vi } from "vitest";
import { connectedTo, withReport } from "./connections.ts";
import { BUILT_IN_CHAT_TOOL_HOSTS, detectChatTool, findChatToolHost } from "./index.ts";
import { lobeChat, lobeConnection, lobeModelChanges } from "./lobechat.ts";
import { chooseDefaultModel, gatewayRootOf, pointsAtGateway } from "./models.ts";
import { nextChatConnection, nextChatCustomModels, withGatewayAccess, withGatewayModels } from "./nextchat.ts";
import { parsePersisted } from "./nextchat-store.ts";
import { openWebUi, openWebUiConnection, openWebUiModelId, withGatewayConnection } from "./open-webui.ts";
import { findSettingsFields, setInputValue, settingsForm } from "./settings-form.ts";
import type { ToolPage } from "./types.ts";
import { fakeGateway, json } from "../test-support.ts";

const target = { gatewayUrl: "http://127.0.0.1:7070", key: "sk-llmio-client-key", models: ["chat-model", "fast-model"] };

function page(overrides: Partial<ToolPage> = {}): ToolPage {
  return {
    href: "https://chat.example.com/",
    appUrl: "https://chat.example.com/",
    document,
    localStorage: { getItem: () => null },
    indexedDB: {} as IDBFactory,
    fetch: () => Promise.reject(new Error("no fetch expected")),
    reload: vi.fn(),
    ...overrides,
  };
}

beforeEach(() => {
  document.title = "";
  document.body.innerHTML = "";
});

describe("models and connections", () => {
  test("a base URL names the gateway with or without /v1 and trailing slashes", () => {
    expect(gatewayRootOf("http://127.0.0.1:7070/v1/")).toBe("http://127.0.0.1:7070");
    expect(pointsAtGateway({ baseUrl: "http://127.0.0.1:7070/v1" }, "http://127.0.0.1:7070")).toBe(true);
    expect(pointsAtGateway({ baseUrl: "http://127.0.0.1:7070" }, "http://127.0.0.1:7070")).toBe(true);
    expect(pointsAtGateway({ baseUrl: "https://api.openai.com/v1" }, "http://127.0.0.1:7070")).toBe(false);
    expect(pointsAtGateway(undefined, "http://127.0.0.1:7070")).toBe(false);
  });

  test("the default model: the app's current one when the gateway serves it, else the gateway's first", () => {
    expect(chooseDefaultModel(["a", "b"], "b")).toBe("b");
    expect(chooseDefaultModel(["a", "b"], "gpt-4o-mini")).toBe("a");
    expect(chooseDefaultModel([], "gpt-4o-mini")).toBeUndefined();
  });

  test("connection records: a connected report is kept per host, a disconnected one dropped; listed per gateway", () => {
    const report = { tool: "nextchat" as const, gatewayUrl: "http://127.0.0.1:7070", model: "a", checkedAt: 1 };
    const records = withReport(withReport({}, "http://x/next/", report), "http://x/lobe/", { ...report, tool: "lobechat", gatewayUrl: "http://other" });
    expect(connectedTo(records, "http://127.0.0.1:7070").map((record) => record.appUrl)).toEqual(["http://x/next/"]);
    expect(withReport(records, "http://x/next/", undefined)).toEqual({ "http://x/lobe/": records["http://x/lobe/"] });
  });
});

describe("NextChat", () => {
  const access = { state: { useCustomConfig: false, openaiUrl: "/api/openai", openaiApiKey: "", accessCode: "c", _hasHydrated: true, lastUpdateTime: 0 }, version: 2 };
  const config = { state: { customModels: "", models: [{ name: "gpt-4o-mini" }], modelConfig: { model: "gpt-4o-mini", providerName: "OpenAI", temperature: 0.5 } }, version: 4.1 };

  test("custom models: every built-in hidden, the gateway's added for the OpenAI provider; ids with , or = left out", () => {
    expect(nextChatCustomModels(["chat-model", "org/m@v2", "bad,id", "x=y"])).toBe("-all,+chat-model@OpenAI,+org/m@v2@OpenAI");
  });

  test("access-control gets the gateway root (NextChat adds /v1) and key; other fields kept", () => {
    const next = withGatewayAccess(access, target, 42);
    expect(next).toEqual({
      state: { ...access.state, useCustomConfig: true, provider: "OpenAI", openaiUrl: "http://127.0.0.1:7070", openaiApiKey: "sk-llmio-client-key", lastUpdateTime: 42 },
      version: 2,
    });
  });

  test("app-config gets the model list and the default model; the other model settings stay", () => {
    const next = withGatewayModels(config, target.models, "chat-model", 42);
    expect(next.version).toBe(4.1);
    expect(next.state.customModels).toBe("-all,+chat-model@OpenAI,+fast-model@OpenAI");
    expect(next.state.models).toEqual(config.state.models);
    expect(next.state.modelConfig).toEqual({ model: "chat-model", providerName: "OpenAI", temperature: 0.5, compressModel: "chat-model", compressProviderName: "OpenAI" });
  });

  test("the current connection is read only when the custom endpoint is on", () => {
    expect(nextChatConnection(access, config)).toBeUndefined();
    expect(nextChatConnection(withGatewayAccess(access, target), withGatewayModels(config, target.models, "fast-model"))).toEqual({ baseUrl: "http://127.0.0.1:7070", model: "fast-model" });
  });

  test("stored values are JSON strings; anything else reads as missing", () => {
    expect(parsePersisted(JSON.stringify(access))).toEqual(access);
    expect(parsePersisted("not json")).toBeUndefined();
    expect(parsePersisted(null)).toBeUndefined();
  });
});

describe("LobeHub", () => {
  const trpc = (data: unknown) => json({ result: { data: { json: data } } });

  test("model changes: create the gateway's new ones, enable known ones, disable the other chat models", () => {
    const existing = [
      { id: "gpt-4o", enabled: true, type: "chat" },
      { id: "fast-model", enabled: false, type: "chat" },
      { id: "dall-e-3", enabled: true, type: "image" },
    ];
    expect(lobeModelChanges(existing, target.models)).toEqual({ create: ["chat-model"], enable: ["fast-model"], disable: ["gpt-4o"] });
  });

  test("connected only when the provider is enabled with a base URL and key", () => {
    expect(lobeConnection({ enabled: true, keyVaults: { apiKey: "k", baseURL: "http://127.0.0.1:7070/v1" } }, "m")).toEqual({ baseUrl: "http://127.0.0.1:7070/v1", model: "m" });
    expect(lobeConnection({ enabled: false, keyVaults: { apiKey: "k", baseURL: "http://127.0.0.1:7070/v1" } })).toBeUndefined();
    expect(lobeConnection(undefined)).toBeUndefined();
  });

  test("apply calls the app's tRPC API: provider (client mode, /v1), models, default agent; then reloads; no URL carries the key", async () => {
    const gateway = fakeGateway({
      "GET /trpc/lambda/aiProvider.getAiProviderById": () => trpc({ id: "openai", enabled: false, keyVaults: {} }),
      "POST /trpc/lambda/aiProvider.updateAiProviderConfig": () => trpc(null),
      "POST /trpc/lambda/aiProvider.toggleProviderEnabled": () => trpc(null),
      "GET /trpc/lambda/user.getUserState": () => trpc({ settings: { defaultAgent: { config: { provider: "openai", model: "gpt-4o-mini" } } } }),
      "GET /trpc/lambda/aiModel.getAiProviderModelList": () => trpc([{ id: "gpt-4o-mini", enabled: true, type: "chat" }]),
      "POST /trpc/lambda/aiModel.createAiModel": (call) => trpc((call.body as { json: { id: string } }).json.id),
      "POST /trpc/lambda/aiModel.batchToggleAiModels": () => trpc(null),
      "POST /trpc/lambda/user.updateSettings": () => trpc(null),
    });
    const tab = page({ appUrl: "https://lobe.example.com/", href: "https://lobe.example.com/chat", fetch: gateway.fetch });
    const result = await lobeChat.apply(target, tab);
    expect(result.ok).toBe(true);
    expect(tab.reload).toHaveBeenCalledOnce();
    const posts = gateway.calls.filter((call) => call.method === "POST").map((call) => [new URL(call.url).pathname.split("/").pop(), call.body]);
    expect(posts).toEqual([
      ["aiProvider.updateAiProviderConfig", { json: { id: "openai", value: { keyVaults: { apiKey: target.key, baseURL: "http://127.0.0.1:7070/v1" }, fetchOnClient: true } } }],
      ["aiProvider.toggleProviderEnabled", { json: { id: "openai", enabled: true } }],
      ["aiModel.createAiModel", { json: { id: "chat-model", providerId: "openai", type: "chat", displayName: "chat-model", enabled: true } }],
      ["aiModel.createAiModel", { json: { id: "fast-model", providerId: "openai", type: "chat", displayName: "fast-model", enabled: true } }],
      ["aiModel.batchToggleAiModels", { json: { id: "openai", models: ["gpt-4o-mini"], enabled: false } }],
      ["user.updateSettings", { json: { defaultAgent: { config: { provider: "openai", model: "chat-model" } } } }],
    ]);
    for (const call of gateway.calls) expect(decodeURIComponent(call.url)).not.toContain(target.key);
    expect(result.message).not.toContain(target.key);
  });

  test("signed out: LobeHub answers 401, nothing is changed", async () => {
    const gateway = fakeGateway({ "GET /trpc/lambda/aiProvider.getAiProviderById": () => json({ error: { json: { message: "UNAUTHORIZED" } } }, 401) });
    const tab = page({ fetch: gateway.fetch });
    expect(await lobeChat.apply(target, tab)).toEqual({ ok: false, message: "Sign in to LobeHub first, then click again." });
    expect(gateway.calls).toHaveLength(1);
    expect(tab.reload).not.toHaveBeenCalled();
  });
});

describe("Open WebUI", () => {
  const existing = { ENABLE_OPENAI_API: false, OPENAI_API_BASE_URLS: ["https://api.openai.com/v1"], OPENAI_API_KEYS: ["sk-openai"], OPENAI_API_CONFIGS: { "0": { enable: true, prefix_id: "" } } };

  test("the gateway is appended next to the existing connection, keys and configs aligned", () => {
    expect(withGatewayConnection(existing, target)).toEqual({
      ENABLE_OPENAI_API: true,
      OPENAI_API_BASE_URLS: ["https://api.openai.com/v1", "http://127.0.0.1:7070/v1"],
      OPENAI_API_KEYS: ["sk-openai", "sk-llmio-client-key"],
      OPENAI_API_CONFIGS: { "0": { enable: true, prefix_id: "" }, "1": { enable: true, connection_type: "external", model_ids: [] } },
    });
  });

  test("fields a build adds are sent back unchanged", () => {
    expect(withGatewayConnection({ ...existing, ENABLE_API_DEBUG_LOGGING: true }, target).ENABLE_API_DEBUG_LOGGING).toBe(true);
  });

  test("connected: the gateway's connection present, enabled, with a key; model ids get the connection's prefix", () => {
    const added = withGatewayConnection(existing, target);
    expect(openWebUiConnection(added, target.gatewayUrl)).toEqual({ baseUrl: "http://127.0.0.1:7070/v1" });
    expect(openWebUiConnection(existing, target.gatewayUrl)).toBeUndefined();
    expect(openWebUiConnection({ ...added, ENABLE_OPENAI_API: null }, target.gatewayUrl)).toBeUndefined();
    expect(openWebUiConnection({ ...added, OPENAI_API_CONFIGS: { "1": { enable: false } } }, target.gatewayUrl)).toBeUndefined();
    expect(openWebUiModelId(added, target.gatewayUrl, "chat-model")).toBe("chat-model");
    expect(openWebUiModelId({ ...added, OPENAI_API_CONFIGS: { "1": { prefix_id: "llmio" } } }, target.gatewayUrl, "chat-model")).toBe("llmio.chat-model");
  });

  test("a connection to the same gateway gets the new key instead of a duplicate", () => {
    const again = withGatewayConnection({ ...existing, OPENAI_API_BASE_URLS: ["http://127.0.0.1:7070/v1/"], OPENAI_API_KEYS: ["old"] }, target);
    expect(again.OPENAI_API_BASE_URLS).toEqual(["http://127.0.0.1:7070/v1/"]);
    expect(again.OPENAI_API_KEYS).toEqual(["sk-llmio-client-key"]);
  });

  test("apply reads the config with the page's token, posts the merged one, sets the user's default model (ui merged), reloads", async () => {
    const gateway = fakeGateway({
      "GET /openai/config": () => json(existing),
      "POST /openai/config/update": (call) => json(call.body),
      "GET /api/v1/users/user/settings": () => json({ ui: { theme: "dark", models: ["gpt-4o"] } }),
      "POST /api/v1/users/user/settings/update": (call) => json(call.body),
    });
    const tab = page({ href: "http://owui.local:3000/c/1", localStorage: { getItem: (key) => (key === "token" ? "owui-jwt" : null) }, fetch: gateway.fetch });
    const result = await openWebUi.apply(target, tab);
    expect(result.ok).toBe(true);
    expect(tab.reload).toHaveBeenCalledOnce();
    expect(gateway.calls.map((call) => [call.method, call.url, call.authorization])).toEqual([
      ["GET", "http://owui.local:3000/openai/config", "Bearer owui-jwt"],
      ["POST", "http://owui.local:3000/openai/config/update", "Bearer owui-jwt"],
      ["GET", "http://owui.local:3000/api/v1/users/user/settings", "Bearer owui-jwt"],
      ["POST", "http://owui.local:3000/api/v1/users/user/settings/update", "Bearer owui-jwt"],
    ]);
    expect((gateway.calls[1]?.body as { OPENAI_API_BASE_URLS: string[] }).OPENAI_API_BASE_URLS).toContain("http://127.0.0.1:7070/v1");
    expect(gateway.calls[3]?.body).toEqual({ ui: { theme: "dark", models: ["chat-model"] } });
    expect(result.message).not.toContain(target.key);
  });

  test("signed out, or not an admin: nothing is sent, the user is told why", async () => {
    expect(await openWebUi.apply(target, page())).toEqual({ ok: false, message: "Sign in to Open WebUI (as an admin) first, then click again." });
    const gateway = fakeGateway({ "GET /openai/config": () => json({ detail: "forbidden" }, 403) });
    const result = await openWebUi.apply(target, page({ localStorage: { getItem: () => "user-jwt" }, fetch: gateway.fetch }));
    expect(result).toEqual({ ok: false, message: "Only an Open WebUI admin can add connections." });
    expect(gateway.calls).toHaveLength(1);
  });
});

describe("any app's settings form", () => {
  test("finds the base-URL and key inputs by label, name or placeholder", () => {
    document.body.innerHTML = `
      <label>Display name <input id="n"></label>
      <label for="u">API Endpoint</label><input id="u">
      <input id="k" type="password" placeholder="Your API key">`;
    const { urlInput, keyInput } = findSettingsFields(document);
    expect(urlInput?.id).toBe("u");
    expect(keyInput?.id).toBe("k");
  });

  test("sets values through the native setter and fires input and change", () => {
    document.body.innerHTML = `<input id="field">`;
    const input = document.getElementById("field") as HTMLInputElement;
    const events: string[] = [];
    input.addEventListener("input", () => events.push(`input:${input.value}`));
    input.addEventListener("change", () => events.push("change"));
    setInputValue(input, "http://127.0.0.1:7070/v1");
    expect(events).toEqual(["input:http://127.0.0.1:7070/v1", "change"]);
  });

  test("apply fills both fields, or says where to go when the form is not open", async () => {
    expect((await settingsForm.apply(target, page())).ok).toBe(false);
    document.body.innerHTML = `<input name="baseUrl"><input name="apiKey" type="password">`;
    const result = await settingsForm.apply(target, page());
    expect(result).toEqual({ ok: true, message: "Filled the base URL and API key. Check them and save the app's settings." });
    expect((document.querySelector("[name=baseUrl]") as HTMLInputElement).value).toBe("http://127.0.0.1:7070/v1");
    expect((document.querySelector("[name=apiKey]") as HTMLInputElement).value).toBe("sk-llmio-client-key");
  });
});

describe("which page is which tool", () => {
  test("detection by title for 'auto' hosts", () => {
    for (const [title, kind] of [
      ["NextChat", "nextchat"],
      ["ChatGPT Next Web", "nextchat"],
      ["LobeChat", "lobechat"],
      ["LobeHub", "lobechat"],
      ["Open WebUI", "open-webui"],
      ["Gmail", undefined],
    ] as const) {
      document.title = title;
      expect(detectChatTool(document)).toBe(kind);
    }
  });

  test("a URL belongs to the longest matching host prefix; built-in hosts included", () => {
    const hosts = [
      { url: "http://127.0.0.1:3000/", tool: "auto" as const },
      { url: "http://127.0.0.1:3000/lobe/", tool: "lobechat" as const },
    ];
    expect(findChatToolHost("http://127.0.0.1:3000/lobe/chat?x#y", hosts)?.tool).toBe("lobechat");
    expect(findChatToolHost("http://127.0.0.1:3000/lobe", hosts)?.tool).toBe("lobechat");
    expect(findChatToolHost("http://127.0.0.1:3000/other", hosts)?.tool).toBe("auto");
    expect(findChatToolHost("http://127.0.0.1:3001/", hosts)).toBeUndefined();
    expect(findChatToolHost("https://app.nextchat.dev/#/chat", [])).toEqual(BUILT_IN_CHAT_TOOL_HOSTS[0]);
    expect(findChatToolHost("https://app.nextchat.dev.evil.com/", [])).toBeUndefined();
    expect(findChatToolHost("not a url", hosts)).toBeUndefined();
  });
});
