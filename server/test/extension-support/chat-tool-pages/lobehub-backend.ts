/**
 * LobeHub's server side as its browser client sees it: tRPC on `/trpc/lambda/<procedure>`
 * with superjson envelopes (`{"json": …}`), queries as GET `?input=`, mutations as POST, all
 * behind the session cookie. Providers and models are their own records (the aiInfra tables);
 * user settings are a separate object (deep-merged diffs). `/webapi/chat/openai` is the
 * server-side chat path used when the provider is not in client request mode.
 */
export const LOBE_SESSION_COOKIE = "lobe-session=signed-in-user";

export interface LobeProviderRecord {
  id: string;
  enabled: boolean;
  fetchOnClient: boolean | null;
  keyVaults: { apiKey?: string; baseURL?: string };
}

export interface LobeModelRecord {
  id: string;
  providerId: string;
  type: string;
  enabled: boolean;
  source: "builtin" | "custom" | "remote";
  displayName?: string;
}

export interface LobeHubBackend {
  /** When false, the page gets no session cookie and every procedure answers 401. */
  signedIn: boolean;
  providers: Record<string, LobeProviderRecord>;
  models: LobeModelRecord[];
  /** User settings (`UserSettings` diff): `defaultAgent.config.{provider,model}`, legacy `keyVaults`, … */
  settings: Record<string, unknown>;
  /** Procedures called, in order (`aiProvider.updateAiProviderConfig`, …). */
  calls: string[];
}

export function createLobeHubBackend(): LobeHubBackend {
  return {
    signedIn: true,
    providers: { openai: { id: "openai", enabled: false, fetchOnClient: null, keyVaults: {} } },
    models: ["gpt-4o-mini", "gpt-4o", "o3-mini"].map((id) => ({ id, providerId: "openai", type: "chat", enabled: true, source: "builtin" as const })),
    settings: { defaultAgent: { config: { provider: "openai", model: "gpt-4o-mini" } } },
    calls: [],
  };
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    result[key] = value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return result;
}

const ok = (data: unknown) => Response.json({ result: { data: { json: data ?? null } } });
const fail = (status: number, code: string, message: string) => Response.json({ error: { json: { message, code: -32000, data: { code, httpStatus: status } } } }, { status });

type Input = Record<string, unknown>;
type Procedure = (backend: LobeHubBackend, input: Input) => Response;

const PROCEDURES: Record<string, Procedure> = {
  "aiProvider.getAiProviderById": (backend, input) => ok(backend.providers[String(input.id)]),
  "aiProvider.updateAiProviderConfig": (backend, input) => {
    const provider = backend.providers[String(input.id)];
    if (!provider) return fail(404, "NOT_FOUND", "provider not found");
    const value = input.value as Partial<LobeProviderRecord>;
    if (value.keyVaults) provider.keyVaults = value.keyVaults;
    if (value.fetchOnClient !== undefined) provider.fetchOnClient = value.fetchOnClient;
    return ok(null);
  },
  "aiProvider.toggleProviderEnabled": (backend, input) => {
    const provider = backend.providers[String(input.id)];
    if (provider) provider.enabled = Boolean(input.enabled);
    return ok(null);
  },
  "aiModel.getAiProviderModelList": (backend, input) => ok(backend.models.filter((model) => model.providerId === input.id)),
  "aiModel.createAiModel": (backend, input) => {
    // The (id, providerId, user) primary key: a second insert fails like the database does.
    if (backend.models.some((model) => model.id === input.id && model.providerId === input.providerId)) return fail(500, "INTERNAL_SERVER_ERROR", "duplicate key value violates unique constraint");
    backend.models.push({ id: String(input.id), providerId: String(input.providerId), type: String(input.type ?? "chat"), enabled: input.enabled !== false, source: "custom", displayName: input.displayName as string | undefined });
    return ok(input.id);
  },
  "aiModel.toggleModelEnabled": (backend, input) => {
    for (const model of backend.models) if (model.id === input.id && model.providerId === input.providerId) model.enabled = Boolean(input.enabled);
    return ok(null);
  },
  "aiModel.batchToggleAiModels": (backend, input) => {
    const ids = input.models as string[];
    for (const model of backend.models) if (model.providerId === input.id && ids.includes(model.id)) model.enabled = Boolean(input.enabled);
    return ok(null);
  },
  "user.getUserState": (backend) => ok({ isOnboard: true, settings: backend.settings, userId: "user_1" }),
  "user.updateSettings": (backend, input) => {
    backend.settings = deepMerge(backend.settings, input);
    return ok(null);
  },
};

/** Answers LobeHub's API paths; undefined for any other path. */
export async function handleLobeHub(backend: LobeHubBackend, request: Request, pathname: string): Promise<Response | undefined> {
  const signedIn = backend.signedIn && (request.headers.get("cookie") ?? "").includes(LOBE_SESSION_COOKIE);
  if (pathname.startsWith("/trpc/lambda/")) {
    const name = pathname.slice("/trpc/lambda/".length);
    const procedure = PROCEDURES[name];
    if (!procedure) return fail(404, "NOT_FOUND", `No procedure found on path "${name}"`);
    if (!signedIn) return fail(401, "UNAUTHORIZED", "UNAUTHORIZED");
    const envelope = request.method === "GET" ? JSON.parse(new URL(request.url).searchParams.get("input") ?? "{}") : await request.json();
    backend.calls.push(name);
    return procedure(backend, (envelope.json ?? {}) as Input);
  }
  if (pathname === "/webapi/chat/openai" && request.method === "POST") {
    if (!signedIn) return fail(401, "UNAUTHORIZED", "UNAUTHORIZED");
    // Server-side mode: the LobeHub server calls the provider with the stored key.
    const provider = backend.providers.openai!;
    if (!provider.enabled || !provider.keyVaults.apiKey) return Response.json({ errorType: "InvalidProviderAPIKey" }, { status: 401 });
    const upstream = await fetch(`${provider.keyVaults.baseURL ?? "https://api.openai.com/v1"}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${provider.keyVaults.apiKey}`, "content-type": "application/json" },
      body: await request.text(),
    });
    return new Response(upstream.body, { status: upstream.status, headers: { "content-type": "application/json" } });
  }
  return undefined;
}
