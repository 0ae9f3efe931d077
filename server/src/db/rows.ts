import { AdminError } from "../lib/admin-error.ts";

/** What a DELETE answers. */
export interface Deleted {
  id: number;
  deleted: true;
}

/** Returns the row, or throws a 404 such as `provider 7 not found`. */
export function found<Row>(row: Row | undefined, noun: string, id: number | string): Row {
  if (row === undefined) throw new AdminError(404, `${noun} ${id} not found`);
  return row;
}

/**
 * Runs a write, turning a UNIQUE constraint failure into a 409. Letting the database detect the
 * duplicate (instead of checking first) leaves no window for two writers to race.
 */
export async function unlessDuplicate<Result>(write: () => Promise<Result>, message: string): Promise<Result> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AdminError(409, message);
    throw error;
  }
}

/** SQLite's code, or PostgreSQL's SQLSTATE 23505 (Bun puts it in `errno`). */
function isUniqueViolation(error: unknown): boolean {
  // drizzle wraps the driver's error; the code is on it or on its cause.
  for (const candidate of [error, (error as { cause?: unknown } | undefined)?.cause]) {
    const { code, errno } = (candidate ?? {}) as { code?: unknown; errno?: unknown };
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || errno === "23505") return true;
  }
  return false;
}
