/**
 * Gemini model listing (`GET /v1beta/models`, `GET /v1beta/models/{model}`) in Google's shape.
 * Any model name is accepted for generation regardless of the list.
 * https://ai.google.dev/api/models
 */
import { leadingFaults } from "./faults.ts";
import { GEMINI_FAULT_ANSWERS, rejectBadGoogleKey } from "./gemini-errors.ts";
import { FAKE_MODEL_IDS } from "./openai-models.ts";
import type { FakeRoute } from "./route.ts";

const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8" };

function modelObject(id: string): Record<string, unknown> {
  return {
    name: `models/${id}`,
    version: "001",
    displayName: `Fake ${id}`,
    description: "A deterministic fake model served by llmio's fake upstream.",
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "countTokens", "embedContent", "batchEmbedContents"],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

// Static, so it is serialized once.
const LIST_BODY = JSON.stringify({ models: FAKE_MODEL_IDS.map(modelObject) });

/** The generation routes use the same pattern (`:name`, POST), so Bun sees one route with two methods. */
export const MODEL_PATH = "/v1beta/models/:name";

export const geminiModelsRoutes: readonly FakeRoute[] = [
  {
    method: "GET",
    paths: ["/v1beta/models"],
    async handle(request, context) {
      const rejected = rejectBadGoogleKey(request, new URL(request.url));
      if (rejected) return rejected;
      // The header's leading and hostile faults (redirect …) apply to the list too.
      const faults = await leadingFaults(request, undefined, GEMINI_FAULT_ANSWERS, context);
      if (faults instanceof Response) return faults;
      return new Response(LIST_BODY, { headers: JSON_HEADERS });
    },
  },
  {
    method: "GET",
    paths: [MODEL_PATH],
    handle(request) {
      const url = new URL(request.url);
      const rejected = rejectBadGoogleKey(request, url);
      if (rejected) return rejected;
      const name = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf("/") + 1));
      return new Response(JSON.stringify(modelObject(name)), { headers: JSON_HEADERS });
    },
  },
];
