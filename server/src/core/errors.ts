/**
 * Why a call failed, independent of any wire format. The kind decides the HTTP status
 * and each protocol's error type; routing later uses it to decide retry and cooldown.
 */
export type GatewayErrorKind =
  | "bad_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "rate_limit"
  | "upstream"
  | "overloaded"
  | "timeout"
  | "internal";

const STATUS_BY_KIND: Record<GatewayErrorKind, number> = {
  bad_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  rate_limit: 429,
  upstream: 502,
  overloaded: 503,
  timeout: 504,
  internal: 500,
};

export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    options: { status?: number; param?: string; traceId?: string; retryAfterSeconds?: number; exhausted?: boolean } = {},
  ) {
    super(message);
    this.exhausted = options.exhausted === true;
    this.status = options.status ?? STATUS_BY_KIND[kind];
    this.param = options.param;
    this.traceId = options.traceId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly param?: string;
  /** A rate_limit that waiting will not cure (a used-up quota): clients are told not to retry. */
  readonly exhausted: boolean;
  traceId?: string;
  retryAfterSeconds?: number;
}

/**
 * A request one provider cannot serve as asked (a strict JSON schema it cannot enforce): that
 * provider is skipped; the client gets this error only when no other provider could serve it.
 */
export class UnsupportedByProvider extends GatewayError {
  constructor(message: string) {
    super("bad_request", message);
  }
}
