import type { GatewayError, GatewayErrorKind } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";

const TYPE_BY_KIND: Record<GatewayErrorKind, string> = {
  bad_request: "invalid_request_error",
  authentication: "invalid_request_error",
  permission: "permission_error",
  not_found: "invalid_request_error",
  rate_limit: "rate_limit_error",
  upstream: "upstream_error",
  overloaded: "server_error",
  timeout: "timeout_error",
  internal: "server_error",
};

const CODE_BY_KIND: Partial<Record<GatewayErrorKind, string>> = {
  authentication: "invalid_api_key",
  not_found: "model_not_found",
  rate_limit: "rate_limit_exceeded",
};

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function encodeError(error: GatewayError): JsonObject {
  const message = error.traceId ? `${error.message} (trace id: ${error.traceId})` : error.message;
  return {
    error: {
      message,
      type: TYPE_BY_KIND[error.kind],
      param: error.param ?? null,
      code: CODE_BY_KIND[error.kind] ?? null,
    },
  };
}

/** OpenAI streams report a failure as a data frame carrying the error envelope. */
export function encodeStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(encodeError(error))}\n\n`;
}
