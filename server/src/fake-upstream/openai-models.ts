import { leadingFaults } from "./faults.ts";
import { rejectBadBearer } from "./openai-auth.ts";
import { OPENAI_FAULT_ANSWERS } from "./openai-errors.ts";
import type { FakeRoute } from "./route.ts";
import { JSON_HEADERS } from "./json.ts";

/** Model ids the fake lists; any model name is accepted for chat regardless. */
export const FAKE_MODEL_IDS: readonly string[] = ["fake-model", "fake-model-mini"];

// Static, so it is serialized once.
const MODELS_BODY = JSON.stringify({
  object: "list",
  data: FAKE_MODEL_IDS.map((id) => ({ id, object: "model", created: 0, owned_by: "llmio-fake" })),
});
// Anthropic's shape, for callers that send `anthropic-version` (the same path serves both vendors).
const ANTHROPIC_MODELS_BODY = JSON.stringify({
  data: FAKE_MODEL_IDS.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" })),
  has_more: false,
  first_id: FAKE_MODEL_IDS[0],
  last_id: FAKE_MODEL_IDS.at(-1),
});

/**
 * `GET /v1/models`, OpenAI- or Anthropic-shaped. The `x-fake-fault` header's leading and hostile faults apply after the key check.
 */
export const openaiModelsRoutes: readonly FakeRoute[] = [
  {
    method: "GET",
    paths: ["/v1/models"],
    async handle(request, context) {
      const anthropic = request.headers.has("anthropic-version");
      if (anthropic) {
        const key = request.headers.get("x-api-key");
        if (!key || key.startsWith("bad")) {
          return Response.json({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }, { status: 401 });
        }
      } else {
        const rejected = rejectBadBearer(request);
        if (rejected) return rejected;
      }
      const faults = await leadingFaults(request, undefined, OPENAI_FAULT_ANSWERS, context);
      if (faults instanceof Response) return faults;
      return new Response(anthropic ? ANTHROPIC_MODELS_BODY : MODELS_BODY, { headers: JSON_HEADERS });
    },
  },
];
