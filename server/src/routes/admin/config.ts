import { ConfigApplyResult, ConfigFlag } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { ConfigTransfer } from "../../admin/config-transfer.ts";
import { AdminError } from "../../lib/admin-error.ts";
import type { ClientKeys } from "../../auth/client-keys.ts";
import { adminDoc, answers } from "./shared.ts";

const flag = ConfigFlag;
const on = (value: string | undefined) => value === "1" || value === "true";

/**
 * `/api/config`: the catalog as the YAML file of `llmio config export/apply` (providers, models
 * and their associations, client keys). Provider secrets are masked unless `withSecrets` is asked.
 */
export function configRoutes(deps: AppDeps, clientKeys: ClientKeys) {
  const transfer = new ConfigTransfer(deps.db, () => {
    deps.catalog.invalidate();
    clientKeys.invalidate();
  });
  return new Elysia({ name: "admin-config", prefix: "/config" })
    .get(
      "/export",
      async ({ query }) => {
        const withSecrets = on(query.withSecrets);
        return new Response(await transfer.export(withSecrets), {
          headers: {
            "content-type": "application/yaml; charset=utf-8",
            "content-disposition": `attachment; filename="llmio-config${withSecrets ? "-with-secrets" : ""}.yaml"`,
            "cache-control": "no-store",
          },
        });
      },
      {
        query: t.Object({ withSecrets: flag }),
        detail: adminDoc("The configuration as YAML (`llmio config export`); provider keys and secret headers masked unless `withSecrets=1`"),
      },
    )
    .post(
      "/apply",
      async ({ query, request }) => {
        const yaml = await request.text();
        if (!yaml.trim()) throw new AdminError(400, "Invalid body: send the YAML configuration file as the request body");
        return transfer.apply(yaml, { dryRun: on(query.dryRun), prune: on(query.prune) });
      },
      {
        // The body is YAML, read as text: no JSON parsing.
        parse: "none",
        query: t.Object({ dryRun: flag, prune: flag }),
        response: answers(ConfigApplyResult),
        detail: adminDoc(
          "Apply a YAML configuration (`llmio config apply`): `dryRun=1` reports the changes and writes nothing; `prune=1` deletes entries the file does not list",
        ),
      },
    );
}
