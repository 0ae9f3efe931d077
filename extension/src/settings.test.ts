import { beforeEach, describe, expect, test } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import {
  chatToolHostsItem,
  credentialItem,
  DEFAULT_GATEWAY_URL,
  gatewayUrlItem,
  normalizeGatewayUrl,
  normalizeHostUrl,
  readSettings,
  toolKeyItem,
} from "./settings.ts";

beforeEach(() => fakeBrowser.reset());

describe("settings in storage", () => {
  test("a fresh install talks to the default gateway with no token", async () => {
    expect(await readSettings()).toEqual({ gatewayUrl: DEFAULT_GATEWAY_URL, credential: "", toolKey: "", chatToolHosts: [] });
    expect(DEFAULT_GATEWAY_URL).toBe("http://127.0.0.1:7070");
  });

  test("everything is kept in storage.local, nothing in sync", async () => {
    await gatewayUrlItem.setValue("http://gateway.lan:7070");
    await credentialItem.setValue("admin-token-123");
    await toolKeyItem.setValue("sk-llmio-client");
    await chatToolHostsItem.setValue([{ url: "https://chat.example.com/", tool: "nextchat" }]);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      gatewayUrl: "http://gateway.lan:7070",
      credential: "admin-token-123",
      toolKey: "sk-llmio-client",
      chatToolHosts: [{ url: "https://chat.example.com/", tool: "nextchat" }],
    });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
  });

  test("reads trim the token and repair a stored URL", async () => {
    await fakeBrowser.storage.local.set({ gatewayUrl: "http://127.0.0.1:8080/v1/", credential: "  token  " });
    const settings = await readSettings();
    expect(settings.gatewayUrl).toBe("http://127.0.0.1:8080");
    expect(settings.credential).toBe("token");
  });

  test("watchers see changes (the background re-paints the badge on them)", async () => {
    const seen: string[] = [];
    const unwatch = credentialItem.watch((value) => seen.push(value));
    await credentialItem.setValue("first");
    await credentialItem.setValue("second");
    unwatch();
    expect(seen).toEqual(["first", "second"]);
  });
});

describe("URL normalisation", () => {
  test.each([
    ["http://127.0.0.1:7070", "http://127.0.0.1:7070"],
    ["http://127.0.0.1:7070/", "http://127.0.0.1:7070"],
    ["  https://gw.example.com/v1  ", "https://gw.example.com"],
    ["https://gw.example.com/llmio/v1/", "https://gw.example.com/llmio"],
    ["http://localhost:7070/api", "http://localhost:7070"],
  ])("gateway %s → %s", (input, expected) => {
    expect(normalizeGatewayUrl(input)).toBe(expected);
  });

  test.each(["", "127.0.0.1:7070", "ftp://host", "not a url"])("%j is not a gateway URL", (input) => {
    expect(normalizeGatewayUrl(input)).toBeUndefined();
  });

  test("chat-tool hosts keep their path, end in a slash, drop query and hash", () => {
    expect(normalizeHostUrl("https://chat.example.com")).toBe("https://chat.example.com/");
    expect(normalizeHostUrl("http://127.0.0.1:3000/nextchat?x=1#/chat")).toBe("http://127.0.0.1:3000/nextchat/");
    expect(normalizeHostUrl("javascript:alert(1)")).toBeUndefined();
  });
});
