import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import { DEFAULT_GATEWAY_URL, gatewayUrlItem } from "./settings.ts";

/**
 * What the first install found on the default address, for the options page it opens: "found"
 * prefilled the gateway URL; "absent" leaves the field empty with the default as placeholder.
 * Cleared when the user saves the gateway settings.
 */
export type FirstInstallFinding = { gateway: "found" | "absent"; url: string };

export const firstInstallItem = storage.defineItem<FirstInstallFinding | null>("local:firstInstall", { fallback: null });

const PROBE_TIMEOUT_MS = 1_500;

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** The JSON body of `GET url`, or undefined when it does not answer JSON in time. */
async function getJson(url: string, fetchImpl: FetchLike): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: "error", credentials: "omit" });
    const body: unknown = await response.json();
    return typeof body === "object" && body !== null && !Array.isArray(body) ? { status: response.status, body: body as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an llmio gateway answers at `baseUrl`, not just any server: `GET /health` must be
 * exactly llmio's `{"status":"ok"}`, and `GET /health/ready` its readiness answer, which names the
 * applied migrations and the shared-state mode (`{"status":"ready","database":"sqlite",
 * "migrations":9,"sharedState":"memory",…}`), or its 503 `{"status":"not ready","reason":…}`
 * while the database is away (server/src/routes/operations.ts). Neither needs a credential.
 */
export async function isLlmioAt(baseUrl: string, fetchImpl: FetchLike = (url, init) => globalThis.fetch(url, init)): Promise<boolean> {
  const health = await getJson(`${baseUrl}/health`, fetchImpl);
  if (health?.status !== 200 || JSON.stringify(health.body) !== '{"status":"ok"}') return false;
  const ready = await getJson(`${baseUrl}/health/ready`, fetchImpl);
  if (!ready) return false;
  const { body } = ready;
  if (ready.status === 200) return body.status === "ready" && typeof body.migrations === "number" && typeof body.sharedState === "string";
  return ready.status === 503 && body.status === "not ready" && typeof body.reason === "string";
}

/**
 * `runtime.onInstalled`: on a first install (not an update or a browser update), looks for llmio
 * on the default address, stores the URL when it is there, and opens the options page, which
 * says what was found.
 */
export async function onFirstInstall(details: { reason: string }, fetchImpl?: FetchLike): Promise<void> {
  if (details.reason !== "install") return;
  const found = await isLlmioAt(DEFAULT_GATEWAY_URL, fetchImpl);
  if (found) await gatewayUrlItem.setValue(DEFAULT_GATEWAY_URL);
  await firstInstallItem.setValue({ gateway: found ? "found" : "absent", url: DEFAULT_GATEWAY_URL });
  await browser.runtime.openOptionsPage();
}

/** The listener as background.ts registers it: never rejects (an unhandled rejection would only log). */
export function handleInstalled(details: { reason: string }): void {
  void onFirstInstall(details).catch((error: Error) => console.warn(`llmio first install: ${error.message}`));
}

/** The options page's gateway URL field at first: empty after an install that found no llmio (the placeholder shows the default). */
export function initialGatewayUrl(stored: string, finding: FirstInstallFinding | null): string {
  return finding?.gateway === "absent" ? "" : stored;
}
