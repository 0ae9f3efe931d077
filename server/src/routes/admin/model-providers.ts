import { Association, AssociationChanges, AssociationInput, AssociationQuery, AssociationTestResult, Deleted } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { associationUnderTest, AssociationTester } from "../../admin/association-test.ts";
import { ModelProviderService } from "../../admin/model-providers.ts";
import { PROVIDER_CALL_TIMEOUT_MS } from "../../relay/provider-upstream.ts";
import { runToolCallTest } from "../../admin/tool-call-test.ts";
import { ProviderRecovery } from "../../routing/provider-recovery.ts";
import { accepting, adminDoc, answers, idParams } from "./shared.ts";

/** `/api/model-providers`: which provider models serve a public model. */
export function modelProviderRoutes(deps: AppDeps) {
  const service = new ModelProviderService(deps.db, deps.catalog);
  // An association that answers a test proves its provider answers: its breakers close, as after a provider Test.
  const recovery = new ProviderRecovery(deps.db, deps.balancer.health);
  const answered = (providerId: number, apiKey: string) => recovery.answered(providerId, apiKey, "test");
  const tester = new AssociationTester(deps.db, PROVIDER_CALL_TIMEOUT_MS, answered);
  return new Elysia({ name: "admin-model-providers", prefix: "/model-providers" })
    .get("", ({ query }) => service.list(query), {
      query: accepting(AssociationQuery),
      response: answers(t.Array(Association)),
      detail: adminDoc("List model-provider associations, optionally of one model"),
    })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: accepting(AssociationInput),
      response: answers(Association, 201),
      detail: adminDoc("Associate a provider model with a model"),
    })
    .get("/:id", ({ params }) => service.get(params.id), {
      params: idParams,
      response: answers(Association),
      detail: adminDoc("Get a model-provider association"),
    })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: accepting(AssociationChanges),
      response: answers(Association),
      detail: adminDoc("Update a model-provider association"),
    })
    .post("/:id/test", ({ params }) => tester.test(params.id), {
      params: idParams,
      response: answers(AssociationTestResult),
      detail: adminDoc("Test the association: a minimal chat call to its own provider model with its settings; latency, status and the answer or the upstream's error"),
    })
    .post("/:id/tool-test", async ({ params }) => toolTestResponse(runToolCallTest(await associationUnderTest(deps.db, params.id), PROVIDER_CALL_TIMEOUT_MS, answered)), {
      params: idParams,
      detail: adminDoc("Tool-call test of the association, streamed as NDJSON (application/x-ndjson): step-start and step-end lines as each call happens, then a result line with pass/fail and the transcript"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      response: answers(Deleted),
      detail: adminDoc("Delete a model-provider association"),
    });
}

/** Each event as one JSON line, sent as it happens. */
function toolTestResponse(events: AsyncGenerator<unknown>): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-cache" } });
}
