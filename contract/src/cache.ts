import { Type, type Static } from "@sinclair/typebox";

/** `GET /api/cache`: what the response cache holds now (memory and database). */
export const CacheStats = Type.Object({
  entries: Type.Integer({ description: "Unexpired answers stored (database, shared by all instances)" }),
  bytes: Type.Integer({ description: "Their size in bytes" }),
  memoryEntries: Type.Integer({ description: "Answers held in this instance's memory" }),
  memoryBytes: Type.Integer(),
  memoryMaxBytes: Type.Integer({ description: "The memory bound (settings: cacheMaxMb)" }),
  byModel: Type.Array(Type.Object({ model: Type.String(), entries: Type.Integer(), bytes: Type.Integer() })),
});
export type CacheStats = Static<typeof CacheStats>;

/** Query of `DELETE /api/cache`: one model's answers, or all without it. */
export const CachePurgeQuery = Type.Object({ model: Type.Optional(Type.String({ minLength: 1, description: "The public model name" })) });
export type CachePurgeQuery = Static<typeof CachePurgeQuery>;

export const CachePurgeResult = Type.Object({ purged: Type.Integer({ description: "Entries removed" }) });
export type CachePurgeResult = Static<typeof CachePurgeResult>;
