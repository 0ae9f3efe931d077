import { CachePurgeQuery, CachePurgeResult, CacheStats } from "@llmio/contract";
import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { accepting, adminDoc, answers } from "./shared.ts";

/** `/api/cache`: what the response cache holds, and purging it (one model's answers or all). */
export function cacheRoutes(deps: AppDeps) {
  const { store } = deps.caching;
  return new Elysia({ name: "admin-cache", prefix: "/cache" })
    .get("", () => store.stats(Date.now()), { response: answers(CacheStats), detail: adminDoc("What the response cache holds: in the database (shared) and this instance's memory") })
    .delete("", async ({ query }) => ({ purged: await store.purge(query.model) }), {
      query: accepting(CachePurgeQuery),
      response: answers(CachePurgeResult),
      detail: adminDoc("Remove one model's cached answers (`?model=`) or all of them, on every instance"),
    });
}
