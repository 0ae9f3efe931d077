/**
 * Local test doubles of the web chat tools the extension sets up (NextChat, LobeChat, Open WebUI)
 * and of a generic settings form, all on one loopback origin, one path per tool. Shared by the
 * extension's browser suites (Chromium, Firefox, permissions).
 */

/** The pages served, each under `/<kind>/`. `plain` looks like NextChat but is in no host list. */
export type ChatToolPageKind = "nextchat" | "lobechat" | "open-webui" | "settings-form" | "plain";

/** The Open WebUI double's server-side state; tests read and replace it. */
export interface OpenWebUiBackend {
  config: OpenWebUiConfig;
  /** How many `POST /openai/config/update` calls succeeded. */
  updates: number;
}

export interface ChatToolPages {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The page of one tool: `${url}/${kind}/`. */
  pageUrl(kind: ChatToolPageKind): string;
  openWebUi: OpenWebUiBackend;
  stop(): void;
}

/** Open WebUI's server-side connection settings, as the fake Open WebUI page's backend keeps them. */
export interface OpenWebUiConfig {
  ENABLE_OPENAI_API: boolean;
  OPENAI_API_BASE_URLS: string[];
  OPENAI_API_KEYS: string[];
  OPENAI_API_CONFIGS: Record<string, { enable?: boolean }>;
}

export const OPEN_WEBUI_TOKEN = "owui-session-token-admin";

/**
 * Local pages that mimic each chat tool's settings mechanism, one path per tool on one origin:
 * NextChat's `#/?settings=` fast link (with its confirm step), LobeChat's `?settings=` import,
 * Open WebUI's `/openai/config/update` API (bearer = `localStorage.token`), and a generic
 * settings form whose state, like React's, only follows real `input` events. Each page shows
 * what it stored and proves it by calling the gateway with it.
 */
export function startChatToolPages(options: { port?: number } = {}): ChatToolPages {
  const openWebUi: OpenWebUiBackend = {
    config: {
      ENABLE_OPENAI_API: true,
      OPENAI_API_BASE_URLS: ["https://api.openai.com/v1"],
      OPENAI_API_KEYS: ["sk-existing-connection"],
      OPENAI_API_CONFIGS: { "0": { enable: true } },
    },
    updates: 0,
  };
  const askGateway = `
    async function askGateway(base, key, target) {
      const response = await fetch(base + "/chat/completions", {
        method: "POST",
        headers: { authorization: "Bearer " + key, "content-type": "application/json" },
        body: JSON.stringify({ model: "chat-model", messages: [{ role: "user", content: "hi from " + document.title }] }),
      });
      const body = await response.json();
      document.getElementById(target).textContent = response.status + " " + (body.choices ? body.choices[0].message.content : JSON.stringify(body));
    }`;
  const html = (title: string, body: string, script: string) =>
    new Response(
      `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:14px system-ui;margin:0;background:#f4f4f5}header{background:#18181b;color:#fff;padding:14px 20px;font-weight:600}
main{padding:20px;max-width:640px}pre{background:#fff;border:1px solid #e4e4e7;padding:10px;border-radius:8px;white-space:pre-wrap;word-break:break-all}
label{display:block;margin:10px 0}input{display:block;width:100%;padding:6px;margin-top:4px}
#dialog{position:fixed;inset:30% 20%;background:#fff;border:1px solid #a1a1aa;padding:20px;border-radius:10px;box-shadow:0 10px 40px #0003}</style>
</head><body><header>${title} (test double)</header><main>${body}</main><script>${askGateway}\n${script}</script></body></html>`,
      { headers: { "content-type": "text/html; charset=utf-8" } },
    );
  const nextChat = () =>
    html(
      "NextChat",
      `<p>Settings (access-control store):</p><pre id="state">not configured</pre><p>Gateway reply:</p><pre id="reply">—</pre>
<div id="dialog" hidden><p>Detected settings in the link. Apply them?</p><pre id="incoming"></pre><button id="confirm">Confirm</button> <button id="cancel">Cancel</button></div>`,
      `
      function render() {
        const stored = localStorage.getItem("access-control");
        const state = stored ? JSON.parse(stored).state : undefined;
        document.getElementById("state").textContent = state ? JSON.stringify({ ...state, openaiApiKey: "(a key)" }) : "not configured";
        return state;
      }
      // NextChat's useCommand({ settings }): read #/?settings=, ask, then set the access store.
      function readFastLink() {
        const query = location.hash.indexOf("?");
        if (query < 0) return;
        const text = new URLSearchParams(location.hash.slice(query + 1)).get("settings");
        if (!text) return;
        const payload = JSON.parse(text);
        document.getElementById("incoming").textContent = JSON.stringify({ url: payload.url, key: payload.key ? "(a key)" : "" });
        document.getElementById("dialog").hidden = false;
        document.getElementById("confirm").onclick = () => {
          document.getElementById("dialog").hidden = true;
          localStorage.setItem("access-control", JSON.stringify({ state: { openaiUrl: payload.url, openaiApiKey: payload.key, useCustomConfig: true }, version: 2 }));
          history.replaceState(null, "", location.pathname + "#/");
          const state = render();
          // NextChat appends v1/chat/completions to openaiUrl.
          askGateway(state.openaiUrl.replace(/\\/$/, "") + "/v1", state.openaiApiKey, "reply");
        };
      }
      window.addEventListener("hashchange", readFastLink);
      readFastLink();
      render();`,
    );
  const lobeChat = () =>
    html(
      "LobeChat",
      `<p>keyVaults.openai:</p><pre id="state">not configured</pre><p>Gateway reply:</p><pre id="reply">—</pre>`,
      `
      const imported = new URLSearchParams(location.search).get("settings");
      if (imported) {
        const settings = JSON.parse(imported);
        localStorage.setItem("lobe-settings", JSON.stringify(settings));
        history.replaceState(null, "", location.pathname);
      }
      const stored = localStorage.getItem("lobe-settings");
      if (stored) {
        const openai = JSON.parse(stored).keyVaults.openai;
        document.getElementById("state").textContent = JSON.stringify({ baseURL: openai.baseURL, apiKey: openai.apiKey ? "(a key)" : "" });
        askGateway(openai.baseURL, openai.apiKey, "reply");
      }`,
    );
  const openWebUiPage = () =>
    html(
      "Open WebUI",
      `<p>Signed in as admin (localStorage.token). Connections:</p><pre id="state">loading…</pre>`,
      `
      localStorage.setItem("token", ${JSON.stringify(OPEN_WEBUI_TOKEN)});
      async function render() {
        const response = await fetch("/openai/config", { headers: { authorization: "Bearer " + localStorage.token } });
        const config = await response.json();
        document.getElementById("state").textContent = config.OPENAI_API_BASE_URLS.join("\\n");
      }
      render();
      setInterval(render, 500);`,
    );
  const settingsForm = () =>
    html(
      "My Chat App",
      `<form onsubmit="return false"><label>API Base URL<input id="base" name="baseUrl" placeholder="https://api.openai.com/v1"></label>
<label>API Key<input id="key" name="apiKey" type="password"></label><button type="button" id="save">Save</button></form>
<p>Saved settings:</p><pre id="state">nothing saved</pre><p>Gateway reply:</p><pre id="reply">—</pre>`,
      `
      // Like a React controlled input: state follows input events only, and a value written
      // through the element's own (wrapped) property is "known" and ignored, as React's tracker does.
      const state = { baseUrl: "", apiKey: "" };
      const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
      for (const [id, field] of [["base", "baseUrl"], ["key", "apiKey"]]) {
        const input = document.getElementById(id);
        let tracked = "";
        Object.defineProperty(input, "value", { configurable: true, get() { return native.get.call(this); }, set(value) { tracked = String(value); native.set.call(this, value); } });
        input.addEventListener("input", () => {
          const actual = native.get.call(input);
          if (actual === tracked) return;
          tracked = actual;
          state[field] = actual;
        });
      }
      document.getElementById("save").onclick = () => {
        document.getElementById("state").textContent = JSON.stringify({ baseUrl: state.baseUrl, apiKey: state.apiKey ? "(a key)" : "" });
        askGateway(state.baseUrl, state.apiKey, "reply");
      };`,
    );
  const plain = () => html("NextChat", `<p>A NextChat-looking page that is not in the extension's list.</p>`, "");

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname.startsWith("/openai/config")) {
        if (request.headers.get("authorization") !== `Bearer ${OPEN_WEBUI_TOKEN}`) return Response.json({ detail: "Not authenticated" }, { status: 401 });
        if (pathname === "/openai/config" && request.method === "GET") return Response.json(openWebUi.config);
        if (pathname === "/openai/config/update" && request.method === "POST") {
          openWebUi.config = (await request.json()) as OpenWebUiConfig;
          openWebUi.updates += 1;
          return Response.json(openWebUi.config);
        }
      }
      if (pathname.startsWith("/nextchat/")) return nextChat();
      if (pathname.startsWith("/lobechat/")) return lobeChat();
      if (pathname.startsWith("/open-webui/")) return openWebUiPage();
      if (pathname.startsWith("/settings-form/")) return settingsForm();
      if (pathname.startsWith("/plain/")) return plain();
      return new Response("not found", { status: 404 });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return { url, pageUrl: (kind) => `${url}/${kind}/`, openWebUi, stop: () => server.stop(true) };
}
