import { tokensEqual } from "../../auth/auth.ts";
import type { ImportItem } from "./import-report.ts";

/** Where llmio keeps a generated admin token: the token file beside SQLite, a setting on PostgreSQL. */
export interface AdminTokenStore {
  read(): Promise<string | undefined>;
  write(token: string): Promise<void>;
  /** `./db/token`, `the database (shared by every instance)`. */
  description: string;
}

/** Keeps LLMIO's TOKEN as llmio's admin token, so the admin UI and scripts keep theirs. */
export async function applyAdminToken(store: AdminTokenStore, token: string, options: { dryRun: boolean; replace: boolean }): Promise<ImportItem> {
  const name = `admin token (${store.description})`;
  const current = await store.read();
  if (current !== undefined && tokensEqual(current, token)) return { kind: "admin token", name, action: "unchanged" };
  if (current !== undefined && !options.replace) {
    return { kind: "admin token", name, action: "conflict", detail: "llmio already has another admin token; left as it is (--replace to use LLMIO's)" };
  }
  if (!options.dryRun) await store.write(token);
  return { kind: "admin token", name, action: current === undefined ? "created" : "updated" };
}
