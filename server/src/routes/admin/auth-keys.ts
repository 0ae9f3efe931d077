import { AuthKey, AuthKeyChanges, AuthKeyInput, CreatedAuthKey, Deleted } from "@llmio/contract";
import { Elysia, t } from "elysia";
import { AuthKeyService } from "../../admin/auth-keys.ts";
import type { ClientKeys } from "../../auth/client-keys.ts";
import { accepting, adminDoc, answers, idParams } from "./shared.ts";

/** `/api/auth-keys`: client API keys. The full key is shown once, in the answer to POST. */
export function authKeyRoutes(clientKeys: ClientKeys) {
  const service = new AuthKeyService(clientKeys);
  return new Elysia({ name: "admin-auth-keys", prefix: "/auth-keys" })
    .get("", () => service.list(), { response: answers(t.Array(AuthKey)), detail: adminDoc("List client API keys (never the keys themselves)") })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: accepting(AuthKeyInput),
      response: answers(CreatedAuthKey, 201),
      detail: adminDoc("Issue a client API key; the answer's `key` is the only time it is shown"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, response: answers(AuthKey), detail: adminDoc("Get a client API key") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: accepting(AuthKeyChanges),
      response: answers(AuthKey),
      detail: adminDoc("Update a client API key; `resetUsage: true` zeroes its usage counters"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      response: answers(Deleted),
      detail: adminDoc("Delete a client API key"),
    });
}
