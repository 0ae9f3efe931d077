import type { HealthRegistry } from "./health.ts";
import type { LimitGate } from "./limit-gate.ts";
import type { StickySessions, StickyStore } from "./sticky-sessions.ts";

/**
 * How a balancer shares its routing state with other gateway instances (see `shared-state/`).
 * Without it everything stays in this process, which is the default and the fast path.
 */
export interface SharedRouting {
  /** Limits counted across instances; `wake` is called when another instance frees a slot. */
  limits(wake: () => void): LimitGate;
  /** Sticky sessions every instance sees; `local` is the fallback while the shared store is unreachable. */
  sticky(local: StickySessions): StickyStore;
  /** Shares the registry's verdicts (open breakers, dead and cooling keys) with the other instances. */
  shareHealth(registry: HealthRegistry): void;
}
