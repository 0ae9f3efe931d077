import type { Model } from "../db/schema.ts";

/** OpenAI `GET /v1/models`. */
export function openaiModelList(models: Model[]) {
  return {
    object: "list",
    data: models.map((model) => ({ id: model.name, object: "model", created: Math.floor(model.createdAt / 1000), owned_by: "llmio" })),
  };
}

/** Anthropic `GET /v1/models` (Claude Code's gateway discovery, Cherry Studio's Anthropic providers). */
export function anthropicModelList(models: Model[]) {
  const data = models.map((model) => ({
    type: "model",
    id: model.name,
    display_name: model.remark || model.name,
    created_at: new Date(model.createdAt).toISOString(),
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** Gemini `GET /v1beta/models`. */
export function geminiModelList(models: Model[]) {
  return { models: models.map(geminiModel) };
}

export function geminiModel(model: Model) {
  return {
    name: `models/${model.name}`,
    version: "llmio",
    displayName: model.remark || model.name,
    description: model.remark,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"],
  };
}
