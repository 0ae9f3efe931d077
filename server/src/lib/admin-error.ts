/** A failure an admin request can cause; `status` is the HTTP status to answer with. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 429 | 502,
    message: string,
    /** Sent as `Retry-After` (a locked-out IP). */
    readonly retryAfterSeconds?: number,
    /** More fields of the JSON error body, beside `error` (e.g. what the upstream answered). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AdminError";
  }
}
