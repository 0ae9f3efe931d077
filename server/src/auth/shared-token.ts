import { sql } from "drizzle-orm";
import { generateToken } from "../config.ts";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";

const TOKEN_SETTING = "generated_admin_token";

/**
 * The generated admin token when instances share PostgreSQL: the first instance to start
 * stores one, every other instance reads the same (insert-or-keep, so two starting at once agree).
 */
export async function sharedGeneratedToken(db: AppDatabase): Promise<string> {
  const { settings } = db.tables;
  await db.orm
    .insert(settings)
    .values({ key: TOKEN_SETTING, value: sql`${JSON.stringify(generateToken())}`, updatedAt: Date.now() })
    .onConflictDoNothing({ target: settings.key });
  const row = await first(db.orm.select().from(settings).where(sql`${settings.key} = ${TOKEN_SETTING}`));
  return row!.value as string;
}

/** The stored shared token, if any (the LLMIO import keeps LLMIO's TOKEN there). */
export async function readSharedToken(db: AppDatabase): Promise<string | undefined> {
  const { settings } = db.tables;
  const row = await first(db.orm.select().from(settings).where(sql`${settings.key} = ${TOKEN_SETTING}`));
  return typeof row?.value === "string" ? row.value : undefined;
}

export async function writeSharedToken(db: AppDatabase, token: string): Promise<void> {
  const { settings } = db.tables;
  const value = sql`${JSON.stringify(token)}`;
  await db.orm
    .insert(settings)
    .values({ key: TOKEN_SETTING, value, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: Date.now() } });
}
