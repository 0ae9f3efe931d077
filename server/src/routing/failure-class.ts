import type { FailureClass } from "@llmio/contract";
import type { GatewayError } from "../core/errors.ts";
/**
 * Why an attempt failed, decided from the status, the upstream's message and how the call
 * ended. The class — not the status — decides whether to retry and what to cool down.
 */
export type { FailureClass } from "@llmio/contract";

export interface FailureFacts {
  status?: number;
  message?: string;
  timedOut?: boolean;
  /** The connection could not be made or broke before an answer. */
  connectionFailed?: boolean;
}

const QUOTA_WORDS = /quota|insufficient|billing|balance|credit|exceeded your current|payment/i;
const CONTENT_WORDS = /content[ _-]?(policy|filter|management)|safety|moderation|blocked/i;

export function classifyFailure(facts: FailureFacts): FailureClass {
  const { status, message = "" } = facts;
  if (facts.timedOut) return "timeout";
  if (status === undefined) return facts.connectionFailed ? "connection" : "server";
  // A 2xx that still failed: an error frame in a stream, or a relay's error text with status 200.
  if (status < 400) return CONTENT_WORDS.test(message) ? "content" : "server";
  if (status === 401 || status === 403) return QUOTA_WORDS.test(message) ? "quota" : "credential";
  if (status === 402) return "quota";
  if (status === 429) return QUOTA_WORDS.test(message) && !/\brate\b|rate[ _-]?limit/i.test(message) ? "quota" : "rate_limit";
  // The provider lacks the model or the path: its configuration, not the request, is wrong.
  if (status === 404) return "server";
  // The provider's outbound proxy refused its credentials: the provider's settings, never the client's request.
  if (status === 407) return "connection";
  if (status === 408 || status === 504) return "timeout";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "server";
  if (CONTENT_WORDS.test(message)) return "content";
  return "bad_request";
}

/**
 * An error the upstream reported inside an answer it sent with a 2xx status: an error frame in a
 * stream, an error text in a body, an answer that stopped early. Only its words can say more.
 */
export function classifyAnsweredFailure(message: string): FailureClass {
  return classifyFailure({ status: 200, message });
}

/**
 * An error a protocol's decoder read from an answer (an error frame, an error body sent with a
 * 2xx): the upstream's own error type, as the decoder mapped it to a kind, says what happened;
 * the words only refine quota and refused content. Kinds that name nothing specific fall back
 * to the words.
 */
export function classifyAnswerError(error: Pick<GatewayError, "kind" | "message" | "exhausted">): FailureClass {
  const { message } = error;
  switch (error.kind) {
    case "rate_limit":
      return error.exhausted ? "quota" : classifyFailure({ status: 429, message });
    case "authentication":
    case "permission":
      return classifyFailure({ status: 401, message });
    case "overloaded":
      return "overloaded";
    case "timeout":
      return "timeout";
    case "bad_request":
      return CONTENT_WORDS.test(message) ? "content" : "bad_request";
    default:
      return classifyAnsweredFailure(message);
  }
}

/** A client's bad request (or refused content) fails the same way everywhere: not retried. */
export function isRetryable(failure: FailureClass): boolean {
  return failure !== "bad_request" && failure !== "content";
}

/** Failures that say something about the key rather than the provider. */
export function isKeyFailure(failure: FailureClass): boolean {
  return failure === "credential" || failure === "rate_limit" || failure === "quota";
}
