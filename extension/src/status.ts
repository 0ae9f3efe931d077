import type { ProviderHealth } from "@llmio/contract";
import type { Connection } from "./connection.ts";

export type Level = "ok" | "warn" | "bad" | "unknown";

/** Below this many attempts a minute, the error rate says too little to colour the badge. */
export const MIN_REQUESTS_FOR_RATE = 5;
export const WARN_ERROR_RATE = 0.1;
export const BAD_ERROR_RATE = 0.5;

export interface HealthSummary {
  level: Level;
  /** Failed attempts / attempts in the last minute; null when not known or too few. */
  errorRate: number | null;
  /** Enabled providers that cannot serve right now (every key unusable, or a breaker open). */
  failingProviders: number;
}

/**
 * A provider is failing when it is enabled (a disabled one is the user's choice, not a failure)
 * and either none of its keys can be used or a breaker of an enabled association is open.
 */
export function isProviderFailing(provider: ProviderHealth): boolean {
  if (!provider.enabled) return false;
  const keysUnusable = provider.keys.length > 0 && provider.keys.every((key) => key.state !== "ok");
  const breakerOpen = provider.associations.some((association) => association.enabled && association.breaker.state === "open");
  return keysUnusable || breakerOpen;
}

export function errorRateOf(requests: number, errors: number): number | null {
  return requests >= MIN_REQUESTS_FOR_RATE ? errors / requests : null;
}

/** Gateway health and recent error rate → one level (badge colour) plus the numbers behind it. */
export function summarize(connection: Connection, providers: ProviderHealth[] = []): HealthSummary {
  switch (connection.kind) {
    case "down":
      return { level: "bad", errorRate: null, failingProviders: 0 };
    case "slow":
    case "unauthorized":
    case "error":
      return { level: "warn", errorRate: null, failingProviders: 0 };
    case "client":
      return { level: "ok", errorRate: null, failingProviders: 0 };
    case "admin": {
      const { requestsLastMinute, errorsLastMinute } = connection.status;
      const errorRate = errorRateOf(requestsLastMinute, errorsLastMinute);
      const enabled = providers.filter((provider) => provider.enabled);
      const failingProviders = enabled.filter(isProviderFailing).length;
      const allFailing = enabled.length > 0 && failingProviders === enabled.length;
      const level: Level =
        allFailing || (errorRate ?? 0) >= BAD_ERROR_RATE ? "bad" : failingProviders > 0 || (errorRate ?? 0) >= WARN_ERROR_RATE ? "warn" : "ok";
      return { level, errorRate, failingProviders };
    }
  }
}

export const LEVEL_COLORS: Record<Level, string> = {
  ok: "#16a34a",
  warn: "#d97706",
  bad: "#dc2626",
  unknown: "#71717a",
};

export interface Badge {
  text: string;
  color: string;
  /** Tooltip of the toolbar button. */
  title: string;
}

/** What the toolbar button shows: colour by level, the number of failing providers as text. */
export function badgeFor(connection: Connection, summary: HealthSummary): Badge {
  const color = LEVEL_COLORS[summary.level];
  switch (connection.kind) {
    case "down":
      return { text: "off", color, title: `llmio: gateway down — ${connection.message}` };
    case "slow":
      return { text: "…", color, title: `llmio: gateway slow — ${connection.message}` };
    case "unauthorized":
      return { text: "key", color, title: connection.reason === "missing" ? "llmio: set a token in the options" : "llmio: the gateway refused the token" };
    case "error":
      return { text: "!", color, title: `llmio: ${connection.message}` };
    case "client":
      return { text: "ok", color, title: `llmio: gateway up, ${connection.models.length} models for this key` };
    case "admin": {
      const rate = summary.errorRate === null ? "" : `, ${Math.round(summary.errorRate * 100)}% errors`;
      const failing = summary.failingProviders;
      const title = `llmio ${connection.status.version}: ${connection.status.requestsLastMinute} req/min${rate}${failing ? `, ${failing} provider${failing === 1 ? "" : "s"} failing` : ""}`;
      return { text: failing > 0 ? String(failing) : summary.level === "ok" ? "ok" : "!", color, title };
    }
  }
}
