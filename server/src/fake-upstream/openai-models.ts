import { rejectBadBearer } from "./openai-auth.ts";
import type { FakeRoute } from "./route.ts";

/** Model ids the fake lists; any model name is accepted for chat regardless. */
export const FAKE_MODEL_IDS: readonly string[] = ["fake-model", "fake-model-mini"];

// Static, so it is serialized once.
const MODELS_BODY = JSON.stringify({
  object: "list",
  data: FAKE_MODEL_IDS.map((id) => ({ id, object: "model", created: 0, owned_by: "llmio-fake" })),
});
const JSON_HEADERS = { "content-type": "application/json" };

/** `GET /v1/models` (and `/models`, for base URLs that already end in /v1). */
export const openaiModelsRoutes: readonly FakeRoute[] = [
  {
    method: "GET",
    paths: ["/v1/models", "/models"],
    handle(request) {
      return rejectBadBearer(request) ?? new Response(MODELS_BODY, { headers: JSON_HEADERS });
    },
  },
];
