import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { ENDPOINTS } from "../../db/schema.ts";
import { checkBaseUrl } from "../../admin/base-url-check.ts";
import { ProviderModelLister } from "../../admin/provider-models.ts";
import { ProviderTester } from "../../admin/provider-test.ts";
import { PROVIDER_CALL_TIMEOUT_MS } from "../../relay/provider-upstream.ts";
import { ProviderRecovery } from "../../routing/provider-recovery.ts";
import { ProviderService, providerTypes } from "../../admin/providers.ts";
import { adminDoc, idParams, oneOf } from "./shared.ts";

const providerBody = t.Object({
  name: t.String({ minLength: 1 }),
  type: oneOf(providerTypes),
  baseUrl: t.String({ minLength: 1 }),
  apiKeys: t.Optional(t.Array(t.String())),
  apiKey: t.Optional(t.String()),
  headers: t.Optional(t.Record(t.String(), t.String())),
  /** false: the provider is disabled and gets no traffic. */
  enabled: t.Optional(t.Boolean({ description: "false: the provider is disabled and gets no traffic" })),
  consoleUrl: t.Optional(t.Nullable(t.String())),
  /** Endpoints served; null or omitted: every endpoint the provider's protocol has. */
  endpoints: t.Optional(t.Nullable(t.Array(oneOf(ENDPOINTS)))),
  /** A 200 answer containing this text counts as a failure (relays reporting errors with 200). */
  errorMatch: t.Optional(t.Nullable(t.String())),
  /** HTTP(S) proxy for this provider's calls (http://user:password@host:port); null: the environment's HTTPS_PROXY. */
  proxyUrl: t.Optional(
    t.Nullable(
      t.String({
        description:
          "HTTP(S) proxy for this provider's calls, model list and tests (http://user:password@host:port; the password is shown masked and a masked value sent back keeps it). null or empty: HTTPS_PROXY / HTTP_PROXY with NO_PROXY. socks5:// is refused (the runtime's HTTP client cannot speak it)",
      }),
    ),
  ),
  requestsPerMinute: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  tokensPerMinute: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  maxConcurrent: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  keyRequestsPerMinute: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  keyTokensPerMinute: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
  keyMaxConcurrent: t.Optional(t.Nullable(t.Integer({ minimum: 1 }))),
});

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
    .get("", () => service.list(), { detail: adminDoc("List providers") })
    .post("", async ({ body, status }) => status(201, await service.create(body)), {
      body: providerBody,
      detail: adminDoc("Create a provider; `warnings` names a base URL missing its version (`suggestion`: the corrected URL)"),
    })
    .get("/:id", ({ params }) => service.get(params.id), { params: idParams, detail: adminDoc("Get a provider") })
    .put("/:id", ({ params, body }) => service.update(params.id, body), {
      params: idParams,
      body: t.Partial(providerBody),
      detail: adminDoc("Update a provider; omitted apiKeys stay, masked keys sent back keep their key; `warnings` as on create"),
    })
    .delete("/:id", ({ params }) => service.remove(params.id), {
      params: idParams,
      detail: adminDoc("Delete a provider and its model associations"),
    })
    .post("/:id/test", ({ params, body }) => tester.test(params.id, body?.model), {
      params: idParams,
      body: t.Optional(t.Object({ model: t.Optional(t.String()) })),
      detail: adminDoc(
        "Send a minimal chat call (\"Say OK\", 8 tokens) with the first key; default model: the first association's, else one the provider lists; `warnings` after a 404; a success closes the provider's breakers and revives the key",
      ),
    })
    .get("/:id/models", ({ params }) => lister.list(params.id), {
      params: idParams,
      detail: adminDoc(
        "The models the provider itself lists (GET {baseUrl}/models); 502 when it cannot be asked, with `upstream: { status, message }` and `warnings`",
      ),
    });
}
