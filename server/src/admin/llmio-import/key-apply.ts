import { eq, inArray } from "drizzle-orm";
import type { AppDatabase } from "../../db/client.ts";
import { transaction, type Transaction } from "../../db/query.ts";
import type { AuthKey } from "../../db/schema.ts";
import { maskKey } from "../../lib/mask-key.ts";
import { hashKey } from "../../auth/client-keys.ts";
import type { ImportItem } from "./import-report.ts";
import type { PlannedKey } from "./key-plan.ts";

export interface AppliedKeys {
  items: ImportItem[];
  /** LLMIO key id → llmio key id (absent on a dry run for keys not yet stored). */
  ids: Map<number, number>;
}

/**
 * Stores LLMIO's client keys by the hash of their old secret, so clients keep the keys they
 * hold. A key already stored (same secret) is unchanged, or a conflict when its settings differ
 * (overwritten with `replace`). Usage counters are kept as they are on a stored key.
 */
export async function applyKeys(db: AppDatabase, keys: PlannedKey[], options: { dryRun: boolean; replace: boolean }): Promise<AppliedKeys> {
  const { authKeys } = db.tables;
  const result: AppliedKeys = { items: [], ids: new Map() };
  if (keys.length === 0) return result;
  const hashes = keys.map((key) => hashKey(key.secret));
  const stored = new Map<string, AuthKey>();
  for (let start = 0; start < hashes.length; start += 500) {
    const rows = await db.orm.select().from(authKeys).where(inArray(authKeys.keyHash, hashes.slice(start, start + 500)));
    for (const row of rows) stored.set(row.keyHash, row);
  }
  const now = Date.now();
  const work = async (orm: Transaction) => {
    for (const [index, key] of keys.entries()) {
      const current = stored.get(hashes[index]);
      if (!current) {
        result.items.push({ kind: "client key", name: key.label, action: "created" });
        if (options.dryRun) continue;
        const [row] = await orm
          .insert(authKeys)
          .values({
            ...key.input,
            keyHash: hashes[index],
            keyHint: maskKey(key.secret),
            requestsUsed: key.requestsUsed,
            lastUsedAt: key.lastUsedAt,
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: authKeys.id });
        result.ids.set(key.llmioId, row.id);
        continue;
      }
      result.ids.set(key.llmioId, current.id);
      const fields = differingFields(key, current);
      if (fields.length === 0) {
        result.items.push({ kind: "client key", name: key.label, action: "unchanged" });
      } else if (!options.replace) {
        result.items.push({ kind: "client key", name: key.label, action: "conflict", detail: `llmio already has this key with other ${fields.join(", ")}; left as it is` });
      } else {
        result.items.push({ kind: "client key", name: key.label, action: "updated", detail: `fields ${fields.join(", ")}` });
        if (!options.dryRun) await orm.update(authKeys).set({ ...key.input, updatedAt: now }).where(eq(authKeys.id, current.id));
      }
    }
  };
  if (options.dryRun) await work(db.orm);
  else await transaction(db, work);
  return result;
}

function differingFields(key: PlannedKey, current: AuthKey): string[] {
  return (Object.keys(key.input) as (keyof PlannedKey["input"])[]).filter((field) => !Bun.deepEquals(key.input[field], current[field]));
}
