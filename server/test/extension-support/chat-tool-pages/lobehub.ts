import { LOBE_SESSION_COOKIE, type LobeHubBackend } from "./lobehub-backend.ts";
import { htmlPage, TOOL_PANEL } from "./shell.ts";

/**
 * LobeHub's SPA (lobehub/lobe-chat v2: src/layout/GlobalProvider/ImportSettings.tsx, the
 * aiInfra store, src/services/_auth.ts): `?settings=` is read from the real query string and
 * removed at once with replaceState, then merged into user settings once the user state is
 * loaded, with no confirm; chat requests use the `openai` provider record only.
 */
const SCRIPT = `
  async function trpc(procedure, input, mutation) {
    const envelope = JSON.stringify({ json: input });
    const response = mutation
      ? await fetch("/trpc/lambda/" + procedure, { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: envelope })
      : await fetch("/trpc/lambda/" + procedure + "?input=" + encodeURIComponent(envelope), { credentials: "include" });
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error(body.error.json.message), { status: response.status });
    return body.result.data.json;
  }
  // ImportSettings: read, then clear the parameter before anything else (other params and hash kept).
  const params = new URLSearchParams(location.search);
  const imported = params.get("settings");
  if (imported) {
    params.delete("settings");
    const rest = params.toString();
    history.replaceState({}, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  let provider, models, settings;
  async function load() {
    provider = await trpc("aiProvider.getAiProviderById", { id: "openai" });
    models = (await trpc("aiModel.getAiProviderModelList", { id: "openai" })).filter((model) => model.enabled && model.type === "chat");
    settings = (await trpc("user.getUserState")).settings;
    document.getElementById("state").textContent = masked({ openai: provider, legacyKeyVaults: settings.keyVaults });
    document.getElementById("models").textContent = models.map((model) => model.id).join("\\n");
    const agent = (settings.defaultAgent || {}).config || {};
    document.getElementById("model").textContent = agent.provider + "/" + agent.model;
  }
  document.getElementById("send").onclick = () => {
    const agent = settings.defaultAgent.config;
    // Client request mode: the browser calls the provider's base URL; otherwise the LobeHub server does.
    if (provider.enabled && provider.fetchOnClient && provider.keyVaults.baseURL) {
      sendChat(provider.keyVaults.baseURL.replace(/\\/$/, "") + "/chat/completions", { authorization: "Bearer " + provider.keyVaults.apiKey }, agent.model);
    } else sendChat("/webapi/chat/openai", {}, agent.model);
  };
  (async () => {
    try {
      await trpc("user.getUserState");
    } catch (error) {
      // Signed out: the client logs out and sends the user to sign in; the import is lost.
      document.getElementById("state").textContent = "signed out (" + error.status + "): redirecting to sign-in";
      return;
    }
    if (imported) {
      const data = JSON.parse(imported);
      if (data.general) delete data.general.telemetry;
      await trpc("user.updateSettings", data, true);
    }
    await load();
    document.body.dataset.ready = "true";
  })();`;

export function lobeHubPage(backend: LobeHubBackend): Response {
  const page = htmlPage({
    title: "LobeHub",
    head: `<link rel="manifest" href="/manifest.webmanifest">`,
    body: `<div id="root">${TOOL_PANEL}</div>`,
    script: SCRIPT,
  });
  // The session cookie of a signed-in user (set by the auth flow in the real app).
  if (backend.signedIn) page.headers.set("set-cookie", `${LOBE_SESSION_COOKIE}; Path=/; SameSite=Lax`);
  return page;
}
