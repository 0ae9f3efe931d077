import { openConfiguredDatabase, type AppDatabase } from "../db/client.ts";
import { CliError } from "../lib/cli-error.ts";
import { describeFsError } from "../lib/fs-error.ts";

export interface DatabaseTarget {
  /** PostgreSQL when set, else the SQLite file. */
  databaseUrl?: string;
  databasePath: string;
}

/** Opens (and migrates) the database; a failure becomes one line naming the database and why. */
export async function openDatabaseOrExplain(target: DatabaseTarget, hint?: string): Promise<AppDatabase> {
  try {
    return await openConfiguredDatabase(target);
  } catch (error) {
    // drizzle wraps the driver's error as "Failed query: …"; its cause says what went wrong.
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new CliError(`cannot open the database ${describeDatabase(target)}: ${describeFsError(reason)}`, hint, { cause: error });
  }
}

/** The SQLite file, or the PostgreSQL server and database without credentials. */
export function describeDatabase(target: DatabaseTarget): string {
  if (!target.databaseUrl) return target.databasePath;
  try {
    const url = new URL(target.databaseUrl);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return "at DATABASE_URL";
  }
}
