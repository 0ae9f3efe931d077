import type { FailureCause } from "@llmio/contract";
import type { FailureClass } from "./failure-class.ts";

/**
 * What went wrong, named the way an operator would say it: the failure class (which decides
 * retries and cool-downs) split where one class covers causes a person fixes differently
 * (a refused connection is a server that is not running; a missing host is a typo or DNS).
 * The admin UI and the extension translate these codes.
 */
export type { FailureCause } from "@llmio/contract";

/** The last failure seen on a provider, an association or a key, for the health view. */
export interface FailureRecord {
  failure: FailureClass;
  cause: FailureCause;
  message: string;
  at: number;
}

// Bun's fetch puts the system error code first ("ECONNREFUSED: Unable to connect…", "getaddrinfo ENOTFOUND host").
const REFUSED = /ECONNREFUSED|connection refused/i;
const HOST_NOT_FOUND = /ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo|DNS/i;
const TLS = /certificate|CERT_|TLS|SSL|self[- ]signed/i;
const HTTP_STATUS = /^HTTP (\d{3})\b/;

/** The cause behind a failure class, refined by the status and the message where the class is broad. */
export function failureCause(failure: FailureClass, message = "", status?: number): FailureCause {
  switch (failure) {
    case "connection":
      if (REFUSED.test(message)) return "connection-refused";
      if (HOST_NOT_FOUND.test(message)) return "host-not-found";
      if (TLS.test(message)) return "tls";
      return "connection";
    case "server": {
      const code = status ?? Number(HTTP_STATUS.exec(message)?.[1] ?? Number.NaN);
      return code === 404 ? "not-found" : "server-error";
    }
    case "rate_limit":
      return "rate-limit";
    case "bad_request":
      return "bad-request";
    default:
      return failure;
  }
}

/** A failure as the health view records it. */
export function failureRecord(failure: FailureClass, message: string | undefined, at: number, status?: number): FailureRecord {
  return { failure, cause: failureCause(failure, message, status), message: message ?? failure, at };
}
