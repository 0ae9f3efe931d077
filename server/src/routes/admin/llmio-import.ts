import { ImportReport, LlmioImportRequest, LlmioUpload, LlmioUploadQuery } from "@llmio/contract";
import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { LlmioImportService } from "../../admin/llmio-import.ts";
import type { ClientKeys } from "../../auth/client-keys.ts";
import { accepting, adminDoc, answers } from "./shared.ts";

/** Bun's own request body cap is 1 GiB (http-limits.ts): bigger databases import with the CLI. */
const MAX_UPLOAD_BYTES = 1000 * 1024 * 1024;

/** `/api/import/llmio`: Settings → Import from LLMIO (the CLI's `llmio import-llmio`). */
export function llmioImportRoutes(deps: AppDeps, clientKeys: ClientKeys) {
  const service = new LlmioImportService(
    deps.db,
    deps.settings,
    () => {
      deps.catalog.invalidate();
      clientKeys.invalidate();
    },
    MAX_UPLOAD_BYTES,
  );
  return new Elysia({ name: "admin-llmio-import", prefix: "/import/llmio" })
    .post("/upload", ({ request, query }) => service.upload(request.body, query.name), {
      // The body is a SQLite file, streamed to disk.
      parse: "none",
      query: LlmioUploadQuery,
      response: answers(LlmioUpload),
      detail: adminDoc("Upload LLMIO's llmio.db (the raw file as the body, up to 1000 MB); answers an id for POST /api/import/llmio"),
    })
    .post("", ({ body }) => service.run(body), {
      body: accepting(LlmioImportRequest),
      response: answers(ImportReport),
      detail: adminDoc(
        "Import an LLMIO database (an upload or the fork's DSN): providers, models, associations, client keys with their secrets, settings and, with withLogs, the request history. dryRun=true reports without writing",
      ),
    });
}
