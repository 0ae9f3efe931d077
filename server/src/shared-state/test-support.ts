import { RedisClient } from "bun";
import type { Lease, Refusal } from "../balancer/balancer.ts";
import type { Model } from "../db/schema.ts";
import type { ModelRoute, RouteCandidate } from "../services/catalog.ts";
import { scanKeys } from "./scan-keys.ts";

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
      stickySeconds: 120,
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

/** Waits until `check` holds (state from another instance arrives over pub/sub), failing after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${check.toString()}`);
    await Bun.sleep(10);
  }
}

/** Deletes every key under a prefix (a test run's). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new RedisClient(url);
  try {
    await client.connect();
    const keys = await scanKeys(client, `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`);
    for (let start = 0; start < keys.length; start += 500) await client.del(...keys.slice(start, start + 500));
  } finally {
    client.close();
  }
}

/** A TCP port nothing listens on. */
export function closedPort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}
