/** Complete admin API answers for tests, built from the parts a test cares about (types from the contract). */
import type { AssociationHealth, DashboardPoint, KeyHealth, ProviderHealth } from "@llmio/contract";

export const keyHealth = (overrides: Partial<KeyHealth> & Pick<KeyHealth, "key" | "state">): KeyHealth => ({
  deadReason: null,
  coolingUntil: null,
  breaker: { state: "closed", consecutiveFailures: 0, retryAt: null },
  lastFailure: null,
  ...overrides,
});

export const associationHealth = (overrides: Partial<AssociationHealth> = {}): AssociationHealth => ({
  id: 1,
  providerId: 1,
  modelId: 1,
  modelName: "m",
  providerModel: "x",
  weight: 1,
  enabled: true,
  breaker: { state: "closed", consecutiveFailures: 0, retryAt: null },
  recent: [],
  recentSinceRecovery: overrides.recent?.length ?? 0,
  recoveredAt: null,
  firstByteMs: null,
  errorRate: null,
  lastError: null,
  ...overrides,
});

type HealthOverrides = Omit<Partial<ProviderHealth>, "keys"> & { keys?: Array<Partial<KeyHealth> & Pick<KeyHealth, "key" | "state">> };

export const providerHealth = ({ keys = [{ key: "sk-…1", state: "ok" }], ...overrides }: HealthOverrides = {}): ProviderHealth => ({
  id: 1,
  name: "p",
  type: "openai",
  enabled: true,
  keys: keys.map(keyHealth),
  limits: { inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0, requestsPerMinute: null, tokensPerMinute: null, maxConcurrent: null },
  associations: [],
  lastFailure: null,
  openUntil: null,
  lastCheck: null,
  ...overrides,
});

export const dashboardPoint = (overrides: Partial<DashboardPoint> & Pick<DashboardPoint, "t">): DashboardPoint => ({
  requests: 0,
  errors: 0,
  rejected: 0,
  promptTokens: 0,
  completionTokens: 0,
  costs: { USD: 0, CNY: 0 },
  firstByteP50: null,
  firstByteP95: null,
  durationP50: null,
  durationP95: null,
  ...overrides,
});
