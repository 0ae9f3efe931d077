/** A failure an admin request can cause; `status` is the HTTP status to answer with. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 429 | 502,
    message: string,
    /** Sent as `Retry-After` (a locked-out IP). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AdminError";
  }
}
