/**
 * Open WebUI's backend, the parts the extension touches (open-webui/open-webui
 * backend/open_webui/routers/openai.py, routers/users.py, main.py): the OpenAI connections
 * (admin only, stored as sent), models listed from each enabled connection, the user's
 * settings (`ui.models` is the default model), and chat proxied to the model's connection.
 */
export const OPEN_WEBUI_TOKEN = "owui-session-token-admin";
export const OPEN_WEBUI_USER_TOKEN = "owui-session-token-user";

/** Open WebUI's server-side connection settings. */
export interface OpenWebUiConfig {
  ENABLE_OPENAI_API: boolean | null;
  OPENAI_API_BASE_URLS: string[];
  OPENAI_API_KEYS: string[];
  OPENAI_API_CONFIGS: Record<string, { enable?: boolean; prefix_id?: string; model_ids?: string[]; connection_type?: string; [field: string]: unknown }>;
  /** A field newer builds add: an update that leaves it out resets it. */
  ENABLE_API_DEBUG_LOGGING?: boolean | null;
}

export interface OpenWebUiBackend {
  config: OpenWebUiConfig;
  /** How many `POST /openai/config/update` calls succeeded. */
  updates: number;
  /** User settings by token (`{ ui: {...} }`). */
  userSettings: Record<string, { ui?: Record<string, unknown> } | null>;
  /** Admin → Settings → Models: `DEFAULT_MODELS`, comma-separated. */
  defaultModels: string;
}

export function createOpenWebUiBackend(): OpenWebUiBackend {
  return {
    config: {
      ENABLE_OPENAI_API: true,
      OPENAI_API_BASE_URLS: ["https://api.openai.com/v1"],
      OPENAI_API_KEYS: ["sk-existing-connection"],
      OPENAI_API_CONFIGS: { "0": { enable: true } },
      ENABLE_API_DEBUG_LOGGING: false,
    },
    updates: 0,
    userSettings: { [OPEN_WEBUI_TOKEN]: { ui: { theme: "system" } }, [OPEN_WEBUI_USER_TOKEN]: null },
    defaultModels: "",
  };
}

const ROLES: Record<string, "admin" | "user"> = { [OPEN_WEBUI_TOKEN]: "admin", [OPEN_WEBUI_USER_TOKEN]: "user" };

/** update_openai_config: every field assigned as given; keys fitted to the URLs; configs only for current indexes. */
export function assignOpenAiConfig(current: OpenWebUiConfig, form: Partial<OpenWebUiConfig>): OpenWebUiConfig {
  const urls = form.OPENAI_API_BASE_URLS ?? [];
  const keys = (form.OPENAI_API_KEYS ?? []).slice(0, urls.length);
  while (keys.length < urls.length) keys.push("");
  const configs = Object.fromEntries(Object.entries(form.OPENAI_API_CONFIGS ?? {}).filter(([index]) => /^\d+$/.test(index) && Number(index) < urls.length));
  return { ...current, ENABLE_OPENAI_API: form.ENABLE_OPENAI_API ?? null, OPENAI_API_BASE_URLS: urls, OPENAI_API_KEYS: keys, OPENAI_API_CONFIGS: configs, ENABLE_API_DEBUG_LOGGING: form.ENABLE_API_DEBUG_LOGGING ?? null };
}

/** A connection's models with the connection that serves them. Only loopback URLs are fetched (no internet in tests). */
async function listModels(config: OpenWebUiConfig): Promise<{ id: string; index: number; upstreamId: string }[]> {
  if (!config.ENABLE_OPENAI_API) return [];
  const models: { id: string; index: number; upstreamId: string }[] = [];
  for (const [index, url] of config.OPENAI_API_BASE_URLS.entries()) {
    const connection = config.OPENAI_API_CONFIGS[String(index)] ?? {};
    if (connection.enable === false) continue;
    let ids = connection.model_ids ?? [];
    if (ids.length === 0 && /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) {
      const response = await fetch(`${url.replace(/\/$/, "")}/models`, { headers: { authorization: `Bearer ${config.OPENAI_API_KEYS[index]}` } }).catch(() => undefined);
      if (response?.ok) ids = ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    }
    const prefix = connection.prefix_id ? `${connection.prefix_id}.` : "";
    for (const id of ids) models.push({ id: prefix + id, index, upstreamId: id });
  }
  return models;
}

const unauthenticated = () => Response.json({ detail: "Not authenticated" }, { status: 401 });
const prohibited = () => Response.json({ detail: "You do not have permission to access this resource. Please contact your administrator for assistance." }, { status: 401 });

/** Answers Open WebUI's API paths; undefined for any other path. */
export async function handleOpenWebUi(backend: OpenWebUiBackend, request: Request, pathname: string): Promise<Response | undefined> {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const role = ROLES[token];
  if (pathname === "/api/config") {
    return Response.json({ status: true, name: "Open WebUI", version: "0.6.18", default_locale: "", features: { auth: true, enable_direct_connections: false }, ...(role ? { default_models: backend.defaultModels } : {}) });
  }
  if (pathname.startsWith("/openai/config")) {
    if (!role) return unauthenticated();
    if (role !== "admin") return prohibited();
    if (pathname === "/openai/config" && request.method === "GET") return Response.json(backend.config);
    if (pathname === "/openai/config/update" && request.method === "POST") {
      backend.config = assignOpenAiConfig(backend.config, (await request.json()) as Partial<OpenWebUiConfig>);
      backend.updates += 1;
      return Response.json(backend.config);
    }
    return Response.json({ detail: "Method Not Allowed" }, { status: 405 });
  }
  if (pathname === "/api/models") {
    if (!role) return unauthenticated();
    return Response.json({ data: (await listModels(backend.config)).map((model) => ({ id: model.id, name: model.id, owned_by: "openai", connection_type: "external" })) });
  }
  if (pathname === "/api/v1/users/user/settings") {
    if (!role) return unauthenticated();
    return Response.json(backend.userSettings[token] ?? null);
  }
  if (pathname === "/api/v1/users/user/settings/update" && request.method === "POST") {
    if (!role) return unauthenticated();
    backend.userSettings[token] = (await request.json()) as { ui?: Record<string, unknown> };
    return Response.json(backend.userSettings[token]);
  }
  if (pathname === "/api/chat/completions" && request.method === "POST") {
    if (!role) return unauthenticated();
    const body = (await request.json()) as { model: string };
    const model = (await listModels(backend.config)).find((entry) => entry.id === body.model);
    if (!model) return Response.json({ detail: "Model not found" }, { status: 404 });
    const url = backend.config.OPENAI_API_BASE_URLS[model.index]!.replace(/\/$/, "");
    const upstream = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${backend.config.OPENAI_API_KEYS[model.index]}`, "content-type": "application/json" },
      body: JSON.stringify({ ...body, model: model.upstreamId }),
    });
    return new Response(upstream.body, { status: upstream.status, headers: { "content-type": "application/json" } });
  }
  return undefined;
}
