import { ProviderHealth } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { routingHealth } from "../../admin/routing-health.ts";
import { ProviderRecovery } from "../../routing/provider-recovery.ts";
import { adminDoc, answers, idParams } from "./shared.ts";

/**
 * `/api/health/providers`: what the balancer knows right now — breakers, dead and cooling keys,
 * limits, the last failure's cause; and `/api/providers/:id/health/reset`, which forgets it for one provider.
 */
export function healthRoutes(deps: AppDeps) {
  const recovery = new ProviderRecovery(deps.db, deps.balancer.health);
  return new Elysia({ name: "admin-health" })
    .get("/health/providers", () => routingHealth(deps.db, deps.balancer), {
      response: answers(t.Array(ProviderHealth)),
      detail: adminDoc(
        "Per provider: enabled (false: disabled, gets no traffic), key states (masked) with each key's last failure, limit counters, " +
          "each association's breaker (open until retryAt) and recent outcomes, the newest failure with its cause " +
          "(connection-refused, host-not-found, tls, connection, timeout, credential, rate-limit, quota, overloaded, not-found, server-error, bad-request, content), " +
          "openUntil, and the last background probe, Test connection or Reset (lastCheck)",
      ),
    })
    .post(
      "/providers/:id/health/reset",
      async ({ params }) => {
        await recovery.reset(params.id);
        const [health] = await routingHealth(deps.db, deps.balancer, params.id);
        return health;
      },
      {
        params: idParams,
        response: answers(ProviderHealth),
        detail: adminDoc("Close every breaker of the provider and revive all its keys (dead and cooling ones too), on every instance; answers its health entry"),
      },
    );
}
