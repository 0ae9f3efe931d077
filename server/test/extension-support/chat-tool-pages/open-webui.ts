import { OPEN_WEBUI_TOKEN } from "./open-webui-backend.ts";
import { htmlPage, TOOL_PANEL } from "./shell.ts";

/**
 * Open WebUI's frontend (src/lib/apis, routes/+layout.svelte, components/chat/Chat.svelte):
 * signed in with `localStorage.token` (an admin unless a test put another token there); the
 * model of a new chat by its precedence: `?models=`/`?model=`, the user's `ui.models`, the
 * admin's default models, else the first model; ids not in the list are dropped.
 */
const SCRIPT = `
  if (!localStorage.token) localStorage.token = ${JSON.stringify(OPEN_WEBUI_TOKEN)};
  const auth = { authorization: "Bearer " + localStorage.token };
  let model;
  (async () => {
    const config = await (await fetch("/api/config", { headers: auth })).json();
    const models = (await (await fetch("/api/models", { headers: auth })).json()).data.map((entry) => entry.id);
    const settings = (await (await fetch("/api/v1/users/user/settings", { headers: auth })).json()) || {};
    const connections = await fetch("/openai/config", { headers: auth });
    document.getElementById("state").textContent = connections.ok
      ? (await connections.json()).OPENAI_API_BASE_URLS.join("\\n")
      : "connections: admin only (" + connections.status + ")";
    document.getElementById("models").textContent = models.join("\\n");
    const query = new URLSearchParams(location.search);
    const candidates = query.get("models") ? query.get("models").split(",")
      : query.get("model") ? [query.get("model")]
      : (settings.ui && settings.ui.models && settings.ui.models.length) ? settings.ui.models
      : config.default_models ? config.default_models.split(",")
      : [];
    model = candidates.filter((id) => models.includes(id))[0] || models[0] || "";
    document.getElementById("model").textContent = model || "(no models)";
    document.body.dataset.ready = "true";
  })();
  // The browser talks to Open WebUI's backend, which calls the model's connection.
  document.getElementById("send").onclick = () => sendChat("/api/chat/completions", auth, model);`;

export function openWebUiPage(): Response {
  return htmlPage({
    title: "Open WebUI",
    head: `<link rel="search" type="application/opensearchdescription+xml" title="Open WebUI" href="/opensearch.xml"><meta name="apple-mobile-web-app-title" content="Open WebUI">`,
    body: TOOL_PANEL,
    script: SCRIPT,
  });
}
