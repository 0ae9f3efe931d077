import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { ModelProviderService } from "../../services/admin/model-providers.ts";
import { adminDoc, idParams } from "./shared.ts";

const price = t.Optional(t.Number({ minimum: 0 }));
const associationBody = t.Object({
  modelId: t.Integer({ minimum: 1 }),
  providerId: t.Integer({ minimum: 1 }),
  providerModel: t.String({ minLength: 1 }),
  weight: t.Optional(t.Integer({ minimum: 0 })),
  enabled: t.Optional(t.Boolean()),
  toolCall: t.Optional(t.Boolean()),
  structuredOutput: t.Optional(t.Boolean()),
  vision: t.Optional(t.Boolean()),
  priceInput: price,
  priceCachedInput: price,
  priceOutput: price,
});

/** `/api/model-providers`: which provider models serve a public model. */
export function modelProviderRoutes(deps: AppDeps) {
  const service = new ModelProviderService(deps.db, deps.catalog);
  return new Elysia({ name: "admin-model-providers", prefix: "/model-providers" })
    .get("", ({ query }) => service.list(query), {
      query: t.Object({ modelId: t.Optional(t.Integer()) }),
      detail: adminDoc("List model-provider associations, optionally of one model"),
    })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: associationBody,
      detail: adminDoc("Associate a provider model with a model"),
    })
    .get("/:id", ({ params }) => service.get(params.id), {
      params: idParams,
      detail: adminDoc("Get a model-provider association"),
    })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: t.Partial(associationBody),
      detail: adminDoc("Update a model-provider association"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      detail: adminDoc("Delete a model-provider association"),
    });
}
