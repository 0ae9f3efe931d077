import { readAnswer } from "./exchange-answer.ts";
import { readRequest } from "./exchange-request.ts";
import type { ExchangeAnswer, ExchangeRequest } from "./exchange-types.ts";
import { parseJson } from "./json-read.ts";

export type { ExchangeAnswer, ExchangeMessage, ExchangePart, ExchangeRequest, ExchangeUsage } from "./exchange-types.ts";

/** A captured body for reading: JSON indented; anything else (SSE streams, truncated captures) as it is. */
export function prettyBody(body: string | null | undefined): string {
  if (!body) return "";
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  return body;
}

/** A captured exchange read for people; each side undefined when its body is missing or of no known shape (show it raw). */
export interface ReadableExchange {
  request?: ExchangeRequest;
  answer?: ExchangeAnswer;
}

/**
 * Reads a captured request (in the client's protocol, `protocol` from the log row) and its answer
 * (a whole response or a stream of any of the four wire formats).
 */
export function readExchange(requestBody: string | null | undefined, responseBody: string | null | undefined, protocol?: string): ReadableExchange {
  return {
    request: requestBody ? readRequest(parseJson(requestBody), protocol) : undefined,
    answer: responseBody ? readAnswer(responseBody) : undefined,
  };
}
