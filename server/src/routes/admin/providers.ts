import { ConnectionTest, Deleted, Provider, ProviderChanges, ProviderInput, ProviderModelList, ProviderTestRequest, SavedProvider } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { checkBaseUrl } from "../../admin/base-url-check.ts";
import { ProviderModelLister } from "../../admin/provider-models.ts";
import { ProviderTester } from "../../admin/provider-test.ts";
import { PROVIDER_CALL_TIMEOUT_MS } from "../../relay/provider-upstream.ts";
import { ProviderRecovery } from "../../routing/provider-recovery.ts";
import { ProviderService } from "../../admin/providers.ts";
import { accepting, adminDoc, answers, idParams } from "./shared.ts";

/**
 * `/api/providers`: upstream accounts; keys are only ever returned masked. A saved base URL
 * without a version-looking path segment is checked with the provider (two GETs of its model
 * list, at most 3 s; offline means no finding) and a missing `/v1` comes back in `warnings`.
 */
export function providerRoutes(deps: AppDeps) {
  // An edited provider gets a fresh start: dead keys and cool-downs are forgotten.
  const service = new ProviderService(deps.db, deps.catalog, (id) => deps.balancer.health.resetProvider(id), (provider) => checkBaseUrl(provider));
  // A provider that answers a test is healthy again: its breakers close at once.
  const recovery = new ProviderRecovery(deps.db, deps.balancer.health);
  const tester = new ProviderTester(deps.db, PROVIDER_CALL_TIMEOUT_MS, (id, apiKey) => recovery.answered(id, apiKey, "test"));
  const lister = new ProviderModelLister(deps.db);
  return new Elysia({ name: "admin-providers", prefix: "/providers" })
    .get("", () => service.list(), { response: answers(t.Array(Provider)), detail: adminDoc("List providers") })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: accepting(ProviderInput),
      response: answers(SavedProvider, 201),
      detail: adminDoc("Create a provider; `warnings` names a base URL missing its version (`suggestion`: the corrected URL)"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, response: answers(Provider), detail: adminDoc("Get a provider") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: accepting(ProviderChanges),
      response: answers(SavedProvider),
      detail: adminDoc("Update a provider; omitted apiKeys stay, masked keys sent back keep their key; `warnings` as on create"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      response: answers(Deleted),
      detail: adminDoc("Delete a provider and its model associations"),
    })
    .post("/:id/test", ({ params, body }) => tester.test(params.id, body?.model), {
      params: idParams,
      body: ProviderTestRequest,
      response: answers(ConnectionTest),
      detail: adminDoc(
        "Send a minimal chat call (\"Say OK\", 8 tokens) with the first key; default model: the first association's, else one the provider lists; `warnings` after a 404; a success closes the provider's breakers and revives the key",
      ),
    })
    .get("/:id/models", ({ params }) => lister.list(params.id), {
      params: idParams,
      response: answers(ProviderModelList),
      detail: adminDoc(
        "The models the provider itself lists (GET {baseUrl}/models); 502 when it cannot be asked, with `upstream: { status, message }` and `warnings`",
      ),
    });
}
