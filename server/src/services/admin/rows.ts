import { AdminError } from "./errors.ts";

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
 * Runs a write, turning a UNIQUE constraint failure into a 409. Letting SQLite detect the
 * duplicate (instead of checking first) leaves no window for two writers to race.
 */
export function unlessDuplicate<Result>(write: () => Result, message: string): Result {
  try {
    return write();
  } catch (error) {
    if (constraintCode(error) === "SQLITE_CONSTRAINT_UNIQUE") throw new AdminError(409, message);
    throw error;
  }
}

// drizzle may wrap the driver's error; the SQLite code is on it or on its cause.
function constraintCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === "string" ? code : undefined;
}
