import { htmlPage, TOOL_PANEL } from "./shell.ts";

/**
 * NextChat as the browser meets it (ChatGPTNextWeb/NextChat v2.16: app/utils/store.ts,
 * app/utils/indexedDB-storage.ts, app/store/access.ts + config.ts, app/utils/model.ts,
 * app/command.ts + components/chat.tsx under a HashRouter).
 */
const CONFIG_META = JSON.stringify({ version: "v2.16.0", commitDate: "1751760000000", commitHash: "706a18b9", buildMode: "standalone", isApp: false, template: "{{input}}" });

const SCRIPT = `
  // idb-keyval's default store, values as JSON strings.
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("keyval-store");
      request.onupgradeneeded = () => request.result.createObjectStore("keyval");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function idbGet(name) {
    const db = await openDb();
    return new Promise((resolve) => {
      const request = db.transaction("keyval").objectStore("keyval").get(name);
      request.onsuccess = () => { db.close(); resolve(request.result); };
    });
  }
  async function idbSet(name, text) {
    const db = await openDb();
    return new Promise((resolve) => {
      const transaction = db.transaction("keyval", "readwrite");
      transaction.objectStore("keyval").put(text, name);
      transaction.oncomplete = () => { db.close(); resolve(); };
    });
  }
  const BUILT_IN = ["gpt-4o-mini", "gpt-4o", "o3-mini"].map((name) => ({ name, available: true, provider: { id: "openai", providerName: "OpenAI", providerType: "openai" } }));
  const stores = {
    "access-control": { version: 2, state: { useCustomConfig: false, provider: "OpenAI", openaiUrl: "/api/openai", openaiApiKey: "", accessCode: "", needCode: false, hideUserApiKey: false, disableFastLink: false, customModels: "", defaultModel: "", lastUpdateTime: 0, _hasHydrated: false } },
    "app-config": { version: 4.1, state: { customModels: "", models: BUILT_IN, modelConfig: { model: "gpt-4o-mini", providerName: "OpenAI", temperature: 0.5, top_p: 1, max_tokens: 4000, compressModel: "", compressProviderName: "" }, lastUpdateTime: 0, _hasHydrated: false } },
  };
  // zustand persist: every set() writes the store's whole state (once hydrated).
  async function set(name, patch) {
    Object.assign(stores[name].state, patch);
    if (!stores[name].state._hasHydrated) return;
    await idbSet(name, JSON.stringify({ state: stores[name].state, version: stores[name].version }));
    render();
  }
  async function hydrate(name) {
    const text = (await idbGet(name)) || localStorage.getItem(name);
    if (text) {
      const persisted = JSON.parse(text).state;
      if (name === "app-config") {
        // config.ts merge(): persisted models replace built-ins of the same name and provider.
        const models = BUILT_IN.slice();
        for (const model of persisted.models) {
          const index = models.findIndex((known) => known.name === model.name && known.provider.providerName === model.provider.providerName);
          if (index >= 0) models[index] = model; else models.push(model);
        }
        Object.assign(stores[name].state, persisted, { models });
      } else Object.assign(stores[name].state, persisted);
    }
    await set(name, { _hasHydrated: true });
  }
  // app/utils/model.ts collectModelTable, the parts the extension relies on.
  function availableModels() {
    const access = stores["access-control"].state, config = stores["app-config"].state;
    const table = {};
    for (const model of config.models) table[model.name + "@" + model.provider.providerName] = { ...model };
    const text = [config.customModels, access.customModels].join(",");
    for (let entry of text.split(",").map((part) => part.trim()).filter(Boolean)) {
      const available = !entry.startsWith("-");
      entry = entry.replace(/^[+-]/, "");
      if (entry === "all") { for (const key in table) table[key].available = available; continue; }
      const [full] = entry.split("=");
      const at = full.lastIndexOf("@");
      const name = at > 0 ? full.slice(0, at) : full;
      const provider = at > 0 ? full.slice(at + 1) : name;
      const key = name + "@" + provider;
      table[key] = { ...(table[key] || { name, provider: { id: provider.toLowerCase(), providerName: provider, providerType: "custom" } }), available };
    }
    return Object.values(table).filter((model) => model.available).map((model) => model.name + "@" + model.provider.providerName);
  }
  function render() {
    const access = stores["access-control"].state, config = stores["app-config"].state;
    document.getElementById("state").textContent = masked({ useCustomConfig: access.useCustomConfig, openaiUrl: access.openaiUrl, openaiApiKey: access.openaiApiKey, customModels: config.customModels });
    document.getElementById("models").textContent = availableModels().join("\\n");
    document.getElementById("model").textContent = config.modelConfig.model;
  }
  document.getElementById("send").onclick = () => {
    const access = stores["access-control"].state;
    if (!access.useCustomConfig || !access.openaiUrl.startsWith("http")) {
      document.getElementById("reply").textContent = "no custom endpoint: the deployment's /api/openai would answer";
      return;
    }
    // OpenAI client: path() joins openaiUrl (one trailing slash stripped) and v1/chat/completions.
    sendChat(access.openaiUrl.replace(/\\/$/, "") + "/v1/chat/completions", { authorization: "Bearer " + access.openaiApiKey }, stores["app-config"].state.modelConfig.model);
  };
  // useCommand under the HashRouter: only #/?settings= or #/chat?settings= counts.
  function runFastLink() {
    const hash = location.hash.slice(1);
    const query = hash.indexOf("?");
    if (query < 0) return;
    const path = hash.slice(0, query);
    const params = new URLSearchParams(hash.slice(query + 1));
    const text = params.get("settings");
    if ((path !== "/" && path !== "/chat") || !text) return;
    if (!stores["access-control"].state.disableFastLink) {
      const payload = JSON.parse(text);
      const mask = document.getElementById("dialog");
      document.getElementById("dialog-text").textContent = "Detected settings from url, confirm to apply?\\n" + JSON.stringify(payload, null, 4);
      mask.hidden = false;
      document.getElementById("cancel").onclick = () => (mask.hidden = true);
      document.getElementById("confirm").onclick = async () => {
        mask.hidden = true;
        const patch = { useCustomConfig: true };
        if (payload.key) patch.openaiApiKey = payload.key;
        if (payload.url) patch.openaiUrl = payload.url;
        await set("access-control", patch);
      };
    }
    // setSearchParams() without options: react-router navigates, a PUSH of the URL without it.
    params.delete("settings");
    const rest = params.toString();
    history.pushState(null, "", location.pathname + location.search + "#" + path + (rest ? "?" + rest : ""));
  }
  window.addEventListener("popstate", runFastLink);
  (async () => {
    await hydrate("access-control");
    await hydrate("app-config");
    // accessStore.fetch(): the deployment's settings overwrite the server-pushed fields.
    const response = await fetch("api/config", { method: "POST" });
    await set("access-control", await response.json());
    render();
    document.body.dataset.ready = "true";
    runFastLink();
  })();`;

export function nextChatPage(): Response {
  return htmlPage({
    title: "NextChat",
    head: `<meta name="config" content='${CONFIG_META}'><link rel="manifest" href="/site.webmanifest">`,
    body: `${TOOL_PANEL}
<div id="dialog" class="modal-mask" hidden><div class="modal"><pre id="dialog-text"></pre><button id="cancel">Cancel</button> <button id="confirm">Confirm</button></div></div>`,
    script: SCRIPT,
  });
}
