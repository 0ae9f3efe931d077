import type { AssociationHealth, KeyHealth, Model, ProviderHealth, Status } from "@llmio/contract";
import { vi } from "vitest";

/** A recorded call to the fake gateway. */
export interface RecordedCall {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

type Route = (call: RecordedCall) => Response | Promise<Response>;

/**
 * A `fetch` that answers like an llmio gateway from a table of `METHOD /path` routes and
 * records every call. Unknown routes answer 404; an `Error` thrown by a route rejects the fetch.
 */
export function fakeGateway(routes: Record<string, Route>) {
  const calls: RecordedCall[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const call: RecordedCall = {
      method: init.method ?? "GET",
      url,
      authorization: headers.get("authorization"),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const { pathname, search } = new URL(url);
    const route = routes[`${call.method} ${pathname}${search}`] ?? routes[`${call.method} ${pathname}`];
    return route ? route(call) : Response.json({ error: `Not found: ${pathname}` }, { status: 404 });
  });
  return { fetch, calls };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });

export const unauthorized = () => json({ error: "unauthorized: missing or invalid admin token" }, 401);

export const STATUS: Status = { version: "0.1.0", uptimeSeconds: 42, requestsLastMinute: 10, errorsLastMinute: 0, logBacklog: 0, database: "sqlite", sharedState: "memory", sharedStateAvailable: true };

type KeyFixture = Partial<KeyHealth> & Pick<KeyHealth, "key" | "state">;
type AssociationFixture = Partial<AssociationHealth> & Pick<AssociationHealth, "id" | "providerId" | "modelId">;
/** A provider's health as a test writes it: the fields it is about; the rest take quiet defaults. */
export type HealthFixture = Omit<Partial<ProviderHealth>, "keys" | "associations"> &
  Pick<ProviderHealth, "id" | "name"> & { keys?: KeyFixture[]; associations?: AssociationFixture[] };

const closed = { state: "closed", consecutiveFailures: 0, retryAt: null } as const;

/** A complete `GET /api/health/providers` entry from a test's partial one. */
export function healthFixture({ keys = [], associations = [], ...provider }: HealthFixture): ProviderHealth {
  return {
    type: "openai",
    enabled: true,
    limits: { inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0, requestsPerMinute: null, tokensPerMinute: null, maxConcurrent: null },
    lastFailure: null,
    openUntil: null,
    lastCheck: null,
    ...provider,
    keys: keys.map((key) => ({ deadReason: null, coolingUntil: null, breaker: closed, lastFailure: null, ...key })),
    associations: associations.map((association) => ({
      modelName: `model-${association.modelId}`,
      providerModel: "upstream-model",
      weight: 1,
      enabled: true,
      breaker: closed,
      recent: [],
      recentSinceRecovery: association.recent?.length ?? 0,
      recoveredAt: null,
      firstByteMs: null,
      errorRate: null,
      lastError: null,
      ...association,
    })),
  };
}

/** A complete `GET /api/models` entry from the fields the popup reads. */
export function modelFixture(model: Pick<Model, "id" | "name" | "pinnedProviderId" | "providerCount">): Model {
  return { remark: "", strategy: "weighted", maxRetry: 3, timeoutMs: 60_000, aliases: [], totalTimeoutMs: 180_000, streamIdleTimeoutMs: 120_000, maxStreamDurationMs: 1_800_000, stickySeconds: 120, sortOrder: 0, createdAt: 0, updatedAt: 0, ...model };
}
