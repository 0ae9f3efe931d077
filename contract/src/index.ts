/**
 * The admin API's contract: enums and the TypeBox schemas of its request and response bodies.
 * The server validates with them (and documents them in OpenAPI); the UI and the extension
 * import their types (`Static<typeof Schema>`, exported under the schema's name).
 */
export * from "./enums.ts";
export * from "./common.ts";
export * from "./providers.ts";
export * from "./models.ts";
export * from "./associations.ts";
export * from "./auth-keys.ts";
export * from "./logs.ts";
export * from "./dashboard.ts";
export * from "./live.ts";
export * from "./health.ts";
export * from "./settings.ts";
export * from "./cache.ts";
export * from "./llmio-import.ts";
export * from "./config.ts";
export { Nullable, OneOf } from "./schema-helpers.ts";
