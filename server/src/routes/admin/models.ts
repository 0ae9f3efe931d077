import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { ModelService, modelStrategies } from "../../services/admin/models.ts";
import { adminDoc, idParams, oneOf } from "./shared.ts";

const modelBody = t.Object({
  name: t.String({ minLength: 1 }),
  remark: t.Optional(t.String()),
  strategy: t.Optional(oneOf(modelStrategies)),
  maxRetry: t.Optional(t.Integer({ minimum: 0 })),
  timeoutMs: t.Optional(t.Integer({ minimum: 1 })),
});

/** `/api/models`: the public model names clients send. */
export function modelRoutes(deps: AppDeps) {
  const service = new ModelService(deps.db, deps.catalog);
  return new Elysia({ name: "admin-models", prefix: "/models" })
    .get("", () => service.list(), { detail: adminDoc("List models with their provider counts") })
    .post("", ({ body, status }) => status(201, service.create(body)), {
      body: modelBody,
      detail: adminDoc("Create a model"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, detail: adminDoc("Get a model") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: t.Partial(modelBody),
      detail: adminDoc("Update a model"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      detail: adminDoc("Delete a model and its provider associations"),
    });
}
