import type { JsonObject, WireProtocol } from "../core/wire-protocol.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { failOver, type EndAttempt, type FailOver } from "./attempt-outcome.ts";
import { findErrorText } from "./error-text-match.ts";
import type { Exchange } from "./exchange.ts";
import { answeredError, type UpstreamAnswer, type UpstreamFailure } from "./upstream-call.ts";

/**
 * One way an upstream's answer becomes the client's response (pass-through.ts, translated.ts):
 * the response, ending the attempt through `end` once delivered; or, before anything reached the
 * client, why this answer cannot be used.
 */
export type AnswerPath = (
  exchange: Exchange,
  answer: UpstreamAnswer,
  candidate: RouteCandidate,
  upstream: WireProtocol,
  end: EndAttempt,
  headers: Headers,
) => Promise<Response | FailOver | UpstreamFailure>;

/**
 * A whole body parsed, or why it cannot be used: the provider's error text, not JSON at all, or an
 * error envelope sent with HTTP 200 (which fails the attempt like the same error with its status).
 */
export function usableBody(
  answer: Extract<UpstreamAnswer, { kind: "body" }>,
  candidate: RouteCandidate,
  upstream: WireProtocol,
): { json: JsonObject } | FailOver | UpstreamFailure {
  const { text } = answer;
  const errorText = candidate.errorMatch ? findErrorText(text, candidate.errorMatch) : undefined;
  if (errorText) return failOver(`the answer contains the provider's error text "${errorText}"`);
  let json: JsonObject;
  try {
    json = JSON.parse(text) as JsonObject;
  } catch {
    return failOver("upstream returned invalid JSON");
  }
  const bodyError = upstream.errorInResponse(json);
  return bodyError ? answeredError(answer, bodyError) : { json };
}
