/**
 * The three things a request can go to, each its own process on loopback:
 *   direct   the fake upstream itself (`llmio fake-upstream`, a bare Bun.serve)
 *   llmio    `llmio serve` with a fresh SQLite database, request logging on, configured
 *            through its admin API to route each benchmark model to the fake upstream
 *   portkey  Portkey's open-source gateway (npm `@portkey-ai/gateway`) on Bun, routed to the
 *            fake upstream with its `x-portkey-custom-host` header
 * Every target receives the same JSON body: llmio's models are named exactly like the fake's
 * model strings (e.g. `fake-model+words=20`), so nothing is rewritten in between.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { BUN, freePort, ROOT, spawn, stop } from "./proc.ts";

export type TargetName = "direct" | "llmio" | "portkey";
export const TARGETS: readonly TargetName[] = ["direct", "llmio", "portkey"];

export interface Target {
  name: TargetName;
  pid: number;
  /** Origin, e.g. http://127.0.0.1:40123 */
  base: string;
  chatUrl: string;
  /** Headers a client sends (authentication and routing). */
  headers: Record<string, string>;
  child: Subprocess;
  logFile: string;
}

export const LLMIO_TOKEN = "bench";
export const UPSTREAM_KEY = "sk-bench";

export const PORTKEY_START = join(ROOT, "bench/node_modules/@portkey-ai/gateway/build/start-server.js");

/**
 * The llmio providers the benchmark configures, all pointing at the fake upstream (it serves
 * every wire protocol): `fake` (OpenAI), `limited` (OpenAI, concurrency-limited), `anthropic`
 * (Anthropic Messages), and two OpenAI ones only the soak's failing models use, so their
 * (Anthropic Messages), and OpenAI ones only the soak's failing models use, each alone so its
 * breakers and cool-downs never touch another: `rejecting` (400s), `broken` (500s, its breaker
 * opens) and `rate-limited` (429 with `Retry-After: 0`, the first hop of a failover); and
 * `translator` (OpenAI), the translation-cache scenario's upstream with its RPM quota, whose
 * 429 cool-downs stay its own.
 */
export type BenchProvider = "fake" | "limited" | "anthropic" | "rejecting" | "broken" | "rate-limited" | "translator";

/** llmio models named with this prefix before the fake's model string go to the `anthropic` provider. */
export const ANTHROPIC_PREFIX = "anthropic/";

/** A public model: its name and the provider models behind it, tried in this order. */
export interface BenchModel {
  name: string;
  /** Default: the `fake` provider with the model's own name. */
  route?: Array<{ provider: BenchProvider; providerModel: string }>;
  /** The response cache and coalescing of the model (default: off, as llmio's default). */
  cache?: { cacheTtlSeconds: number; coalesce?: boolean };
}

async function waitForHttp(url: string, child: Subprocess, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await Bun.sleep(100);
    }
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs} ms`);
}

export async function startFake(tmp: string): Promise<Target> {
  const port = freePort();
  const logFile = join(tmp, "fake-upstream.log");
  const child = spawn([BUN, "server/src/main.ts", "fake-upstream", "--port", String(port), "--host", "127.0.0.1"], { output: logFile });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health-probe`, child, "fake upstream");
  return { name: "direct", pid: child.pid, base, chatUrl: `${base}/v1/chat/completions`, headers: { Authorization: `Bearer ${UPSTREAM_KEY}` }, child, logFile };
}

export interface LlmioTarget extends Target {
  dbPath: string;
  /** What ran: the built binary (dist/llmio) or the sources under Bun. */
  program: "binary" | "sources";
  admin(method: string, path: string, body?: unknown): Promise<any>;
}

export async function startLlmio(
  tmp: string,
  fake: Target,
  models: BenchModel[],
  /** Added to the bench's environment; an undefined value removes an inherited variable. */
  env: Record<string, string | undefined>,
  maxConcurrent: number,
  bunArgs: string[] = [],
  where: {
    /** Another checkout's llmio (cpu-probe.ts --baseline compares two). */
    root?: string;
    /** Names this instance's database and log file when several run at once (default: "" here, "baseline" for another root). */
    label?: string;
  } = {},
): Promise<LlmioTarget> {
  const root = where.root ?? ROOT;
  const port = freePort();
  const name = where.label ?? (root === ROOT ? "" : "baseline");
  const label = name ? `-${name}` : "";
  const dbPath = join(tmp, `bench${label}.db`);
  const logFile = join(tmp, `llmio${label}.log`);
  // The shipped artifact when it is built (`bun run build`), else the sources; profiling needs the sources.
  const binary = join(root, "dist/llmio");
  const program = existsSync(binary) && bunArgs.length === 0 ? [binary] : [BUN, ...bunArgs, "server/src/main.ts"];
  const child = spawn([...program, "serve", "--port", String(port), "--host", "127.0.0.1", "--db-path", dbPath], {
    cwd: root,
    output: logFile,
    env: { TOKEN: LLMIO_TOKEN, ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${LLMIO_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`llmio admin ${method} ${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  await waitForHttp(`${base}/api/models`, child, "llmio");

  const providerIds = {} as Record<BenchProvider, number>;
  for (const [key, type] of [["fake", "openai"], ["limited", "openai"], ["anthropic", "anthropic"], ["rejecting", "openai"], ["broken", "openai"], ["rate-limited", "openai"], ["translator", "openai"]] as const) {
    const created = await admin("POST", "/api/providers", { name: `fake-${key}`, type, baseUrl: `${fake.base}/v1`, apiKey: UPSTREAM_KEY });
    providerIds[key] = created.id;
  }
  await admin("PUT", `/api/providers/${providerIds.limited}`, { maxConcurrent });
  for (const model of models) {
    const route = model.route ?? [{ provider: "fake", providerModel: model.name }];
    // "priority" tries the highest weight first: the first listed, then the next on failure (failover).
    const created = await admin("POST", "/api/models", { name: model.name, ...(route.length > 1 ? { strategy: "priority" } : {}), ...model.cache });
    for (const [index, hop] of route.entries()) {
      await admin("POST", "/api/model-providers", { modelId: created.id, providerId: providerIds[hop.provider], providerModel: hop.providerModel, weight: route.length - index });
    }
  }
  return {
    name: "llmio",
    pid: child.pid,
    base,
    chatUrl: `${base}/v1/chat/completions`,
    headers: { Authorization: `Bearer ${LLMIO_TOKEN}` },
    child,
    logFile,
    dbPath,
    program: program[0] === binary ? "binary" : "sources",
    admin,
  };
}

export async function startPortkey(tmp: string, fake: Target, env: Record<string, string>): Promise<Target> {
  if (!existsSync(PORTKEY_START)) {
    throw new Error(`Portkey's gateway is not installed (${PORTKEY_START} missing): run \`bun install\` at the repository root`);
  }
  const port = freePort();
  const logFile = join(tmp, "portkey.log");
  const child = spawn([BUN, PORTKEY_START, `--port=${port}`, "--headless"], { output: logFile, env });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/`, child, "Portkey gateway", 30_000);
  return {
    name: "portkey",
    pid: child.pid,
    base,
    chatUrl: `${base}/v1/chat/completions`,
    headers: {
      Authorization: `Bearer ${UPSTREAM_KEY}`,
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${fake.base}/v1`,
    },
    child,
    logFile,
  };
}

/** One request through a target, checked for a 200 and the expected answer. */
export async function smokeTest(target: Target, body: string, expect: string): Promise<void> {
  const response = await fetch(target.chatUrl, { method: "POST", headers: { "content-type": "application/json", ...target.headers }, body });
  const text = await response.text();
  if (response.status !== 200 || !text.includes(expect)) {
    throw new Error(`${target.name}: smoke request failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
}

export async function stopTarget(target: Target): Promise<void> {
  await stop(target.child, 5000);
}
