import type { Model } from "../db/schema.ts";
import type { ModelRoute, RouteCandidate } from "./catalog.ts";
import type { Lease, Refusal } from "./balancer.ts";

/** Association `id` of provider `100 + id`, named `p<id>`, with one key `k<id>` unless told. */
export function candidate(id: number, overrides: Partial<RouteCandidate> = {}): RouteCandidate {
  return {
    associationId: id,
    providerId: 100 + id,
    providerName: `p${id}`,
    wire: "openai-chat",
    baseUrl: `http://p${id}.invalid`,
    apiKeys: [`k${id}`],
    headers: {},
    providerModel: "upstream-model",
    weight: 1,
    toolCall: true,
    structuredOutput: true,
    vision: true,
    limits: {},
    keyLimits: {},
    ...overrides,
  };
}

export function route(candidates: RouteCandidate[], model: Partial<Model> = {}): ModelRoute {
  return {
    model: {
      id: 1,
      name: "test-model",
      remark: "",
      strategy: "priority",
      maxRetry: 3,
      timeoutMs: 60_000,
      aliases: [],
      totalTimeoutMs: 180_000,
      streamIdleTimeoutMs: 120_000,
      maxStreamDurationMs: 1_800_000,
      stickySeconds: 120,
      cacheTtlSeconds: 0,
      cacheEverything: false,
      cachePerKey: false,
      coalesce: true,
      pinnedProviderId: null,
      sortOrder: 0,
      createdAt: 0,
      updatedAt: 0,
      ...model,
    },
    candidates,
  };
}

export function isLease(result: Lease | Refusal): result is Lease {
  return "candidate" in result;
}

/** The lease an acquisition gave, failing the test when it was refused. */
export async function admitted(acquisition: Promise<Lease | Refusal>): Promise<Lease> {
  const result = await acquisition;
  if (!isLease(result)) throw new Error(`refused: ${result.reason}`);
  return result;
}

/** The refusal an acquisition gave, failing the test when it was admitted. */
export async function refused(acquisition: Promise<Lease | Refusal>): Promise<Refusal> {
  const result = await acquisition;
  if (isLease(result)) throw new Error(`admitted ${result.candidate.providerName}/${result.apiKey}`);
  return result;
}
