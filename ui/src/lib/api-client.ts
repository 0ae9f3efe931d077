/** An error answer from the admin API (`{ error }` bodies), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** When the answer's `Retry-After` says to try again (epoch ms): a 429 of a locked-out IP. */
    readonly retryAt?: number,
    /** The error body's other fields (e.g. a provider's own answer: `upstream`, `warnings`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiClientOptions {
  /** The current admin token, or null when logged out. */
  token: () => string | null;
  /** Called on any 401, before the request's promise rejects. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  /** Prefix for every path; "" for same-origin. */
  baseUrl?: string;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown, init?: { signal?: AbortSignal }): Promise<T>;
  get<T>(path: string, query?: Record<string, QueryValue>, init?: { signal?: AbortSignal }): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

/** `?a=1&b=x` from an object; null, undefined and "" are left out. */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The server's message from an error body: `{ error }`, `{ message }`, or the text itself. */
export function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const message = body.error ?? body.message;
    if (typeof message === "string" && message) return message;
    if (message && typeof message === "object" && "message" in message) return String((message as { message: unknown }).message);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim().slice(0, 300) || `HTTP ${status}`;
}

/** The fields of a JSON object error body; empty for any other body. */
export function errorDetails(text: string): Record<string, unknown> {
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // Not JSON: no details.
  }
  return {};
}

/** When to try again, from a `Retry-After` of seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAtOf(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return now + Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : date;
}

/** JSON over fetch with the bearer token; 401 calls `onUnauthorized` (log out), every failure throws ApiError. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = options.baseUrl ?? "";

  async function request<T>(method: string, path: string, body?: unknown, init: { signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetcher(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: init.signal,
      });
    } catch (error) {
      if ((error as Error)?.name === "AbortError") throw error;
      throw new ApiError(0, `Network error: ${(error as Error)?.message ?? error}`);
    }
    const text = await response.text();
    if (response.status === 401) {
      options.onUnauthorized?.();
      throw new ApiError(401, errorMessage(401, text));
    }
    if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, text), retryAtOf(response.headers.get("retry-after")), errorDetails(text));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    request,
    get: (path, query, init) => request("GET", `${path}${toQueryString(query)}`, undefined, init),
    post: (path, body) => request("POST", path, body ?? {}),
    put: (path, body) => request("PUT", path, body ?? {}),
    delete: (path) => request("DELETE", path),
  };
}
