import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type HttpOptions } from "../src/app.ts";
import { httpLimits, listenLimits } from "../src/routes/http-limits.ts";
import { openDatabase, type AppDatabase } from "../src/db/client.ts";
import { createDeps, type AppDeps, type AuthServices } from "../src/app-deps.ts";
import type { BreakerOptions } from "../src/routing/circuit-breaker.ts";
import { uiAssetsFromDisk } from "../src/ui-assets.ts";
import { LogWriter } from "../src/db/log-writer.ts";
import { ClientKeys } from "../src/auth/client-keys.ts";
import type { IpLockoutOptions } from "../src/auth/ip-lockout.ts";

export const TEST_TOKEN = "test-token-0123456789";

export interface TestGateway {
  url: string;
  db: AppDatabase;
  logWriter: LogWriter;
  deps: AppDeps;
  /** Calls the admin API with the test token. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real gateway on a free loopback port, with its own database in a temp folder.
 * `lockout` sets the failed-login lockout's thresholds (ignored when `auth` is given); `http` the
 * HTTP limits (a short idle timeout, a small body limit) and Host policy (default: bound to 127.0.0.1).
 */
export function startTestGateway(
  options: { breaker?: BreakerOptions; auth?: AuthServices; lockout?: IpLockoutOptions; http?: HttpOptions } = {},
): TestGateway {
  const folder = mkdtempSync(join(tmpdir(), "llmio-test-"));
  const db = openDatabase(join(folder, "llmio.db"));
  const deps = createDeps({ token: TEST_TOKEN }, db, { logWriter: { flushIntervalMs: 10 }, breaker: options.breaker });
  const { logWriter } = deps;
  const auth = options.auth ?? (options.lockout && { clientKeys: new ClientKeys(deps), lockout: deps.sharedState.lockout(options.lockout) });
  return listenTestGateway(deps, { auth, http: options.http }, () => rmSync(folder, { recursive: true, force: true }));
}

/**
 * Serves an app built on `deps` on a free loopback port; `stop` closes the server, the log writer,
 * the shared state and the database, then runs `cleanUp`.
 */
export function listenTestGateway(deps: AppDeps, options: { auth?: AuthServices; http?: HttpOptions } = {}, cleanUp?: () => void): TestGateway {
  const http: HttpOptions = { hosts: { boundHost: "127.0.0.1" }, ...options.http };
  const app = createApp(deps, options.auth, uiAssetsFromDisk(), http);
  app.listen({ port: 0, hostname: "127.0.0.1", ...listenLimits(httpLimits(http)) });
  const url = `http://127.0.0.1:${app.server!.port}`;
  return {
    url,
    db: deps.db,
    logWriter: deps.logWriter,
    deps,
    admin: (method, path, body) => adminCall(url, TEST_TOKEN, method, path, body),
    async stop() {
      await app.stop(true);
      await Bun.sleep(20);
      await deps.logWriter.close();
      await deps.caching.store.close();
      await deps.sharedState.close();
      await deps.db.close();
      cleanUp?.();
    },
  };
}

/** One admin API call with `token` as bearer; throws on an error status, returns the parsed JSON. */
export async function adminCall(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export interface UpstreamSpec {
  name: string;
  /** Provider type (wire protocol); default "openai". */
  type?: "openai" | "openai-responses" | "anthropic" | "gemini";
  baseUrl: string;
  providerModel: string;
  weight?: number;
  apiKeys?: string[];
}

/** Creates one public model served by the given upstreams, through the admin API. */
export async function configureModel(
  gateway: TestGateway,
  model: string,
  upstreams: UpstreamSpec[],
  options: { maxRetry?: number; timeoutMs?: number; strategy?: "weighted" | "priority" | "round-robin" | "least-latency" } = {},
) {
  const created = await gateway.admin("POST", "/api/models", {
    name: model,
    maxRetry: options.maxRetry ?? 3,
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.strategy ? { strategy: options.strategy } : {}),
  });
  for (const upstream of upstreams) {
    const provider = await gateway.admin("POST", "/api/providers", {
      name: upstream.name,
      type: upstream.type ?? "openai",
      baseUrl: upstream.baseUrl,
      apiKeys: upstream.apiKeys ?? ["sk-fake-upstream-key-1234"],
    });
    await gateway.admin("POST", "/api/model-providers", {
      modelId: created.id,
      providerId: provider.id,
      providerModel: upstream.providerModel,
      weight: upstream.weight ?? 1,
    });
  }
  return created;
}

/** Waits until the log writer has written everything queued, then returns the trace's rows. */
export async function logsOf(gateway: TestGateway, traceId: string) {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  return gateway.admin("GET", `/api/logs/${traceId}/attempts`);
}
