import { describe, expect, it } from "vitest";
import { canReset, currentCause, downUntil, providerStatus } from "./provider-health.ts";
import type { FailureRecord } from "@llmio/contract";
import { associationHealth, providerHealth } from "./__fixtures__/api.ts";

const refused: FailureRecord = { failure: "connection", cause: "connection-refused", message: "connection failed: ECONNREFUSED", at: 1_000 };

const association = associationHealth;
const health = providerHealth;

/** A provider that failed five times with the connection refused and whose breakers are open until 90 000. */
const down = () =>
  health({
    keys: [{ key: "sk-…1", state: "open", lastFailure: refused }, { key: "sk-…2", state: "open", lastFailure: refused }],
    associations: [association({ breaker: { state: "open", consecutiveFailures: 5, retryAt: 90_000 }, recent: [false, false, false, false, false], lastError: refused })],
    lastFailure: refused,
    openUntil: 90_000,
  });

describe("provider health as the UI shows it", () => {
  it("a provider whose breakers are open is down until they admit traffic again, for the cause it failed with", () => {
    const entry = down();
    expect(providerStatus(entry)).toBe("down");
    expect(downUntil(entry, "down")).toBe(90_000);
    expect(currentCause(entry)?.cause).toBe("connection-refused");
    expect(canReset(providerStatus(entry))).toBe(true);
  });

  it("closed again by a probe, a test or a reset: healthy at once, its failures before that are history", () => {
    const entry = down();
    const recovered = health({
      ...entry,
      keys: [{ key: "sk-…1", state: "ok", lastFailure: refused }, { key: "sk-…2", state: "ok", lastFailure: refused }],
      associations: [association({ recent: [false, false, false, false, false], recentSinceRecovery: 0, recoveredAt: 2_000, lastError: refused })],
      openUntil: null,
      lastCheck: { by: "probe", ok: true, at: 2_000, failure: null },
    });
    expect(providerStatus(recovered)).toBe("ok");
    expect(downUntil(recovered, "ok")).toBeNull();
    expect(currentCause(recovered)).toBeNull();
    expect(canReset(providerStatus(recovered))).toBe(false);
    // Calls after the recovery are judged as before: failing often again is degraded.
    const failingAgain = health({ ...recovered, associations: [association({ recent: [false, false, false, false, false, true, false], recentSinceRecovery: 2 })] });
    expect(providerStatus(failingAgain)).toBe("degraded");
  });

  it("without a recovery marker every recent outcome counts, as before", () => {
    expect(providerStatus(health({ associations: [association({ recent: [true, false, false] })] }))).toBe("degraded");
    expect(providerStatus(health({ associations: [association({ recent: [true, true] })] }))).toBe("ok");
    expect(providerStatus(health())).toBe("idle");
  });

  it("a dead key is named for why it died", () => {
    const credential: FailureRecord = { failure: "credential", cause: "credential", message: "HTTP 401: invalid key", at: 5 };
    const entry = health({ keys: [{ key: "sk-…1", state: "dead", lastFailure: credential }, { key: "sk-…2", state: "ok" }] });
    expect(providerStatus(entry)).toBe("degraded");
    expect(currentCause(entry)?.cause).toBe("credential");
  });

  it("a disabled provider is disabled, whatever its breakers say", () => {
    expect(providerStatus(down(), false)).toBe("disabled");
  });
});
