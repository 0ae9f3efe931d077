import { beforeEach, describe, expect, test, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { CHAT_TOOLS_SCRIPT_FILE, handleMessage, syncChatToolScripts, USER_HOSTS_SCRIPT_ID } from "./background-service.ts";
import { chatToolConnectionsItem } from "./chat-tools/connections.ts";
import { chatToolHostsItem, credentialItem, gatewayUrlItem, toolKeyItem } from "./settings.ts";
import { fakeGateway, json, STATUS, unauthorized } from "./test-support.ts";
import { TOOL_KEY_NAME } from "./tool-key.ts";

const PAGE = "http://127.0.0.1:3000/nextchat/";

beforeEach(async () => {
  fakeBrowser.reset();
  await gatewayUrlItem.setValue("http://127.0.0.1:7070");
  await chatToolHostsItem.setValue([{ url: PAGE, tool: "auto" }]);
});

describe("content-script questions", () => {
  test("lookup: the configured host answers with its tool and the gateway; other pages get nothing", async () => {
    await credentialItem.setValue("admin-token");
    expect(await handleMessage({ type: "chat-tool:lookup", url: `${PAGE}#/chat` }, undefined)).toEqual({ tool: "auto", appUrl: PAGE, gatewayUrl: "http://127.0.0.1:7070" });
    expect(await handleMessage({ type: "chat-tool:lookup", url: "https://mail.example.com/" }, undefined)).toBeNull();
  });

  test("lookup: no prompt anywhere before a token or key is set", async () => {
    expect(await handleMessage({ type: "chat-tool:lookup", url: PAGE }, undefined)).toBeNull();
  });

  test("target: a page outside the list gets no key, whatever it claims", async () => {
    await toolKeyItem.setValue("sk-stored");
    expect(await handleMessage({ type: "chat-tool:target" }, "https://evil.example.com/")).toEqual({ ok: false, message: "This page is not in llmio's chat-tool list." });
    expect(await handleMessage({ type: "chat-tool:target" }, undefined)).toMatchObject({ ok: false });
  });

  test("target: the stored tool key, never the admin token, with the models that key may use", async () => {
    await credentialItem.setValue("admin-token");
    await toolKeyItem.setValue("sk-stored");
    const gateway = fakeGateway({ "GET /v1/models": () => json({ object: "list", data: [{ id: "chat-model" }, { id: "fast-model" }] }) });
    vi.stubGlobal("fetch", gateway.fetch);
    expect(await handleMessage({ type: "chat-tool:target" }, PAGE)).toEqual({ ok: true, target: { gatewayUrl: "http://127.0.0.1:7070", key: "sk-stored", models: ["chat-model", "fast-model"] } });
    expect(gateway.calls).toEqual([{ method: "GET", url: "http://127.0.0.1:7070/v1/models", authorization: "Bearer sk-stored", body: undefined }]);
    vi.unstubAllGlobals();
  });

  test("status: a connected tool is recorded under the sender's host (not a URL the message names), a disconnected one dropped", async () => {
    await credentialItem.setValue("admin-token");
    await handleMessage({ type: "chat-tool:status", tool: "nextchat", connected: true, model: "chat-model" }, "https://evil.example.com/");
    expect(await chatToolConnectionsItem.getValue()).toEqual({});
    await handleMessage({ type: "chat-tool:status", tool: "nextchat", connected: true, model: "chat-model" }, `${PAGE}#/chat`);
    expect(await chatToolConnectionsItem.getValue()).toEqual({ [PAGE]: { appUrl: PAGE, tool: "nextchat", gatewayUrl: "http://127.0.0.1:7070", model: "chat-model", checkedAt: expect.any(Number) } });
    await handleMessage({ type: "chat-tool:status", tool: "nextchat", connected: false }, PAGE);
    expect(await chatToolConnectionsItem.getValue()).toEqual({});
  });

  test("target: with only the admin token, one client key is issued and kept", async () => {
    await credentialItem.setValue("admin-token");
    const gateway = fakeGateway({
      "GET /api/status": () => json(STATUS),
      "POST /api/auth-keys": () => json({ id: 1, name: TOOL_KEY_NAME, key: "sk-llmio-new" }, 201),
      "GET /v1/models": () => json({ data: [{ id: "chat-model" }] }),
    });
    vi.stubGlobal("fetch", gateway.fetch);
    expect(await handleMessage({ type: "chat-tool:target" }, PAGE)).toEqual({ ok: true, target: { gatewayUrl: "http://127.0.0.1:7070", key: "sk-llmio-new", models: ["chat-model"] } });
    expect(await toolKeyItem.getValue()).toBe("sk-llmio-new");
    expect(await handleMessage({ type: "chat-tool:target" }, PAGE)).toMatchObject({ target: { key: "sk-llmio-new" } });
    expect(gateway.calls.filter((call) => call.method === "POST")).toEqual([
      { method: "POST", url: "http://127.0.0.1:7070/api/auth-keys", authorization: "Bearer admin-token", body: { name: TOOL_KEY_NAME } },
    ]);
    vi.unstubAllGlobals();
  });

  test("target: a client key is handed on as it is", async () => {
    await credentialItem.setValue("sk-client");
    vi.stubGlobal("fetch", fakeGateway({ "GET /api/status": unauthorized, "GET /v1/models": () => json({ data: [] }) }).fetch);
    expect(await handleMessage({ type: "chat-tool:target" }, PAGE)).toMatchObject({ ok: true, target: { key: "sk-client" } });
    vi.unstubAllGlobals();
  });

  test("target: a credential the gateway refuses is explained", async () => {
    await credentialItem.setValue("stale-token");
    vi.stubGlobal("fetch", fakeGateway({ "GET /api/status": unauthorized, "GET /v1/models": unauthorized }).fetch);
    expect(await handleMessage({ type: "chat-tool:target" }, PAGE)).toEqual({ ok: false, message: "The gateway refused the token in the llmio options; update it there." });
    vi.unstubAllGlobals();
  });
});

describe("content scripts for the user's hosts", () => {
  test("registered for granted hosts only, as one script with path-prefix matches", async () => {
    await chatToolHostsItem.setValue([
      { url: PAGE, tool: "auto" },
      { url: "https://chat.example.com/", tool: "open-webui" },
    ]);
    const registered: unknown[] = [];
    fakeBrowser.permissions.contains = vi.fn(async ({ origins }: { origins?: string[] }) => origins?.[0] !== "https://chat.example.com/*") as never;
    fakeBrowser.scripting.getRegisteredContentScripts = vi.fn(async () => []) as never;
    fakeBrowser.scripting.unregisterContentScripts = vi.fn(async () => undefined) as never;
    fakeBrowser.scripting.registerContentScripts = vi.fn(async (scripts: unknown[]) => void registered.push(...scripts)) as never;
    expect(await syncChatToolScripts()).toEqual(["http://127.0.0.1:3000/nextchat/*"]);
    expect(registered).toEqual([{ id: USER_HOSTS_SCRIPT_ID, matches: ["http://127.0.0.1:3000/nextchat/*"], js: [CHAT_TOOLS_SCRIPT_FILE], runAt: "document_idle" }]);
  });
});
