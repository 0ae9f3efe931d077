import { Elysia, t } from "elysia";
import { AuthKeyService } from "../../admin/auth-keys.ts";
import type { ClientKeys } from "../../auth/client-keys.ts";
import { adminDoc, idParams } from "./shared.ts";

const authKeyBody = t.Object({
  name: t.String({ minLength: 1 }),
  /** Public model names or `*` globs; null or omitted: every model. */
  allowedModels: t.Optional(t.Nullable(t.Array(t.String()))),
  /** Epoch milliseconds; null or omitted: never expires. */
  expiresAt: t.Optional(t.Nullable(t.Integer({ minimum: 0 }))),
  /** Lifetime quotas; null or omitted: unlimited. */
  requestQuota: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  tokenQuota: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  enabled: t.Optional(t.Boolean()),
  /** Capture this key's request and response bodies even while the global body capture is off. */
  captureBodies: t.Optional(t.Boolean()),
});

const authKeyChanges = t.Composite([t.Partial(authKeyBody), t.Object({ resetUsage: t.Optional(t.Boolean()) })]);

/** `/api/auth-keys`: client API keys. The full key is shown once, in the answer to POST. */
export function authKeyRoutes(clientKeys: ClientKeys) {
  const service = new AuthKeyService(clientKeys);
  return new Elysia({ name: "admin-auth-keys", prefix: "/auth-keys" })
    .get("", () => service.list(), { detail: adminDoc("List client API keys (never the keys themselves)") })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: authKeyBody,
      detail: adminDoc("Issue a client API key; the answer's `key` is the only time it is shown"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, detail: adminDoc("Get a client API key") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: authKeyChanges,
      detail: adminDoc("Update a client API key; `resetUsage: true` zeroes its usage counters"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      detail: adminDoc("Delete a client API key"),
    });
}
