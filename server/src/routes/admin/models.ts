import { AssociationTestResult, Deleted, Model, ModelChanges, ModelInput, ModelOrder, ModelPin, ModelStats } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { AssociationTester } from "../../admin/association-test.ts";
import { ModelStatsService } from "../../admin/model-stats.ts";
import { PROVIDER_CALL_TIMEOUT_MS } from "../../relay/provider-upstream.ts";
import { ProviderRecovery } from "../../routing/provider-recovery.ts";
import { ModelService } from "../../admin/models.ts";
import { accepting, adminDoc, answers, idParams } from "./shared.ts";

/** `/api/models`: the public model names clients send. */
export function modelRoutes(deps: AppDeps) {
  const service = new ModelService(deps.db, deps.catalog, async () => {
    const settings = await deps.settings.get();
    return { maxRetry: settings.defaultMaxRetry, timeoutMs: settings.defaultTimeoutMs };
  });
  const stats = new ModelStatsService(deps.db, deps.catalog);
  // An association that answers a test proves its provider answers: its breakers close, as after a provider Test.
  const recovery = new ProviderRecovery(deps.db, deps.balancer.health);
  const tester = new AssociationTester(deps.db, PROVIDER_CALL_TIMEOUT_MS, (providerId, apiKey) => recovery.answered(providerId, apiKey, "test"));
  return new Elysia({ name: "admin-models", prefix: "/models" })
    .get("", () => service.list(), { response: answers(t.Array(Model)), detail: adminDoc("List models (by sortOrder, then id) with their provider counts") })
    .put("/order", ({ body }) => service.reorder(body.ids), {
      body: accepting(ModelOrder),
      response: answers(t.Array(Model)),
      detail: adminDoc("Set the list order: the given models first, in that order; returns the list"),
    })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: accepting(ModelInput),
      response: answers(Model, 201),
      detail: adminDoc("Create a model"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, response: answers(Model), detail: adminDoc("Get a model") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: accepting(ModelChanges),
      response: answers(Model),
      detail: adminDoc("Update a model"),
    })
    .put("/:id/pin", ({ params, body }) => service.pin(params.id, body.providerId), {
      params: idParams,
      body: accepting(ModelPin),
      response: answers(Model),
      detail: adminDoc("Pin the model to one provider (all its traffic goes there), or unpin with null"),
    })
    .get("/:id/stats", ({ params, query }) => stats.stats(params.id, query.hours), {
      params: idParams,
      query: t.Object({ hours: t.Optional(t.Integer({ description: "1…168, default 24" })) }),
      response: answers(ModelStats),
      detail: adminDoc("Attempts, errors, share and last error of each provider association over the last hours"),
    })
    .post("/:id/test", ({ params }) => tester.testModel(params.id), {
      params: idParams,
      response: answers(t.Array(AssociationTestResult)),
      detail: adminDoc("Test every association of the model (a few at a time): latency, status and the answer or the upstream's error of each"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      response: answers(Deleted),
      detail: adminDoc("Delete a model and its provider associations"),
    });
}
