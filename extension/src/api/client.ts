import type { Association, CreatedAuthKey, Live, Model, ProviderHealth, Status } from "@llmio/contract";

/** Why a call to the gateway failed; the popup words each differently. */
export type FailureKind = "down" | "timeout" | "unauthorized" | "http";

/** A failed call. The message never contains the credential. */
export class GatewayError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/** `fetch` as the client calls it (a seam for tests). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface GatewayClientOptions {
  /** Root URL, e.g. `http://127.0.0.1:7070` (see `normalizeGatewayUrl`). */
  baseUrl: string;
  /** Admin TOKEN or client key; empty for none. */
  credential: string;
  /** Per call; a gateway that has not answered by then counts as slow. */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 4000;

/**
 * The llmio API as the extension uses it: every call has a timeout, a 401 becomes an
 * `unauthorized` error (never a thrown token), and failures are typed by cause.
 */
export class GatewayClient {
  readonly baseUrl: string;
  private readonly credential: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike;

  constructor(options: GatewayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.credential = options.credential;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Bound to the global: an unbound window.fetch throws "Illegal invocation" in Chrome.
    this.fetchImpl = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  get hasCredential(): boolean {
    return this.credential !== "";
  }

  /** `GET /health`: needs no credential; resolves when the gateway answers at all. */
  async liveness(): Promise<void> {
    await this.call("GET", "/health", undefined, false);
  }

  status = () => this.call<Status>("GET", "/api/status");
  live = () => this.call<Live>("GET", "/api/live");
  providerHealth = () => this.call<ProviderHealth[]>("GET", "/api/health/providers");
  models = () => this.call<Model[]>("GET", "/api/models");

  /** Turns one provider of one model on or off, or changes its weight. */
  updateAssociation = (id: number, changes: { enabled?: boolean; weight?: number }) =>
    this.call<Association>("PUT", `/api/model-providers/${id}`, changes);

  /** Routes all of a model's traffic to one provider; `null` unpins. */
  pin = (modelId: number, providerId: number | null) => this.call<Model>("PUT", `/api/models/${modelId}/pin`, { providerId });

  /** Disables (false) or enables (true) a provider: no traffic for any model while disabled. */
  setProviderEnabled = (id: number, enabled: boolean) => this.call<{ id: number; enabled: boolean }>("PUT", `/api/providers/${id}`, { enabled });

  createClientKey = (name: string) => this.call<CreatedAuthKey>("POST", "/api/auth-keys", { name });

  /** `GET /v1/models` with the credential as a client key: the models it may use. */
  async clientModels(): Promise<string[]> {
    const list = await this.call<{ data?: { id: string }[] }>("GET", "/v1/models");
    return (list.data ?? []).map((model) => model.id);
  }

  private async call<T>(method: string, path: string, body?: unknown, authenticated = true): Promise<T> {
    const headers: Record<string, string> = {};
    if (authenticated && this.credential) headers.authorization = `Bearer ${this.credential}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new GatewayError("timeout", `no answer from ${this.baseUrl} within ${this.timeoutMs / 1000} s`);
      }
      throw new GatewayError("down", `cannot reach ${this.baseUrl}`);
    }
    const text = await response.text().catch(() => "");
    if (response.status === 401 || response.status === 403) {
      throw new GatewayError("unauthorized", errorMessage(text) ?? "the gateway refused the token", response.status);
    }
    if (!response.ok) throw new GatewayError("http", errorMessage(text) ?? `HTTP ${response.status}`, response.status);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GatewayError("http", `${path} did not answer JSON (is ${this.baseUrl} an llmio gateway?)`, response.status);
    }
  }
}

/** `{ "error": "…" }` (admin API) or `{ "error": { "message": "…" } }` (OpenAI-shaped proxy errors). */
function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string } };
    const message = typeof body.error === "string" ? body.error : body.error?.message;
    return message ? message.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
