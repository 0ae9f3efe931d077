import { beforeEach, describe, expect, test, vi } from "vitest";
import { BUILT_IN_CHAT_TOOL_HOSTS, detectChatTool, findChatToolHost } from "./index.ts";
import { lobeChatSettingsUrl } from "./lobechat.ts";
import { nextChatSettingsUrl } from "./nextchat.ts";
import { openWebUi, withGatewayConnection } from "./open-webui.ts";
import { findSettingsFields, setInputValue, settingsForm } from "./settings-form.ts";
import type { ToolPage } from "./types.ts";
import { fakeGateway, json } from "../test-support.ts";

const target = { gatewayUrl: "http://127.0.0.1:7070", key: "sk-llmio-client-key" };

function page(overrides: Partial<ToolPage> = {}): ToolPage {
  return {
    href: "https://chat.example.com/",
    appUrl: "https://chat.example.com/",
    document,
    localStorage: { getItem: () => null },
    fetch: () => Promise.reject(new Error("no fetch expected")),
    navigate: vi.fn(),
    ...overrides,
  };
}

beforeEach(() => {
  document.title = "";
  document.body.innerHTML = "";
});

describe("NextChat", () => {
  test("the fast link carries key and root URL (no /v1) in the hash, the page path kept", () => {
    const url = new URL(nextChatSettingsUrl("https://chat.example.com/next/#/chat?x=1", target));
    expect(url.pathname).toBe("/next/");
    expect(url.hash.startsWith("#/?settings=")).toBe(true);
    const settings = new URLSearchParams(url.hash.slice(url.hash.indexOf("?") + 1)).get("settings");
    expect(JSON.parse(settings!)).toEqual({ key: "sk-llmio-client-key", url: "http://127.0.0.1:7070" });
  });
});

describe("LobeChat", () => {
  test("?settings= on the app's URL with keyVaults.openai and the /v1 base URL", () => {
    const url = new URL(lobeChatSettingsUrl("https://lobe.example.com/", target));
    expect(url.origin + url.pathname).toBe("https://lobe.example.com/");
    expect(JSON.parse(url.searchParams.get("settings")!)).toEqual({
      keyVaults: { openai: { apiKey: "sk-llmio-client-key", baseURL: "http://127.0.0.1:7070/v1" } },
    });
  });
});

describe("Open WebUI", () => {
  const existing = { ENABLE_OPENAI_API: false, OPENAI_API_BASE_URLS: ["https://api.openai.com/v1"], OPENAI_API_KEYS: ["sk-openai"], OPENAI_API_CONFIGS: { "0": { enable: true, prefix_id: "" } } };

  test("the gateway is appended next to the existing connection, keys and configs aligned", () => {
    expect(withGatewayConnection(existing, target)).toEqual({
      ENABLE_OPENAI_API: true,
      OPENAI_API_BASE_URLS: ["https://api.openai.com/v1", "http://127.0.0.1:7070/v1"],
      OPENAI_API_KEYS: ["sk-openai", "sk-llmio-client-key"],
      OPENAI_API_CONFIGS: { "0": { enable: true, prefix_id: "" }, "1": { enable: true } },
    });
  });

  test("a connection to the same gateway gets the new key instead of a duplicate", () => {
    const again = withGatewayConnection({ ...existing, OPENAI_API_BASE_URLS: ["http://127.0.0.1:7070/v1/"], OPENAI_API_KEYS: ["old"] }, target);
    expect(again.OPENAI_API_BASE_URLS).toEqual(["http://127.0.0.1:7070/v1/"]);
    expect(again.OPENAI_API_KEYS).toEqual(["sk-llmio-client-key"]);
  });

  test("apply reads the config with the page's token and posts the merged one", async () => {
    const gateway = fakeGateway({
      "GET /openai/config": () => json(existing),
      "POST /openai/config/update": (call) => json(call.body),
    });
    const result = await openWebUi.apply(target, page({ href: "http://owui.local:3000/c/1", localStorage: { getItem: (key) => (key === "token" ? "owui-jwt" : null) }, fetch: gateway.fetch }));
    expect(result.ok).toBe(true);
    expect(gateway.calls.map((call) => [call.method, call.url, call.authorization])).toEqual([
      ["GET", "http://owui.local:3000/openai/config", "Bearer owui-jwt"],
      ["POST", "http://owui.local:3000/openai/config/update", "Bearer owui-jwt"],
    ]);
    expect((gateway.calls[1]?.body as { OPENAI_API_BASE_URLS: string[] }).OPENAI_API_BASE_URLS).toContain("http://127.0.0.1:7070/v1");
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
