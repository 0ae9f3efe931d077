import type { AppDatabase } from "./client.ts";

/** The first row of a query, or undefined (SQLite's `.get()`, for either database). */
export async function first<Row>(query: PromiseLike<Row[]>): Promise<Row | undefined> {
  return (await query)[0];
}

/** A transaction's query builder: the same API as `AppDatabase.orm`. */
export type Transaction = AppDatabase["orm"];

const sqliteQueues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `work` in one transaction on either database; a thrown error rolls it back.
 * drizzle's SQLite transaction is synchronous and would commit at the callback's first
 * `await`, so on SQLite it is BEGIN/COMMIT by hand, one transaction at a time per database
 * (statements another request runs between its awaits would join it: keep `work` to quick queries).
 */
export function transaction<Result>(db: AppDatabase, work: (tx: Transaction) => Promise<Result>): Promise<Result> {
  if (db.dialect === "postgres") return db.orm.transaction((tx) => work(tx as unknown as Transaction)) as unknown as Promise<Result>;
  const sqlite = db.sqlite!;
  const run = async () => {
    sqlite.run("BEGIN IMMEDIATE");
    try {
      const result = await work(db.orm);
      sqlite.run("COMMIT");
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.run("ROLLBACK");
      throw error;
    }
  };
  const previous = sqliteQueues.get(sqlite) ?? Promise.resolve();
  const next = previous.then(run, run);
  sqliteQueues.set(sqlite, next.catch(() => undefined));
  return next;
}
