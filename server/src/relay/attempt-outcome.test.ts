import { GatewayError } from "../core/errors.ts";
import { describe, expect, test } from "bun:test";
import { answerFailed, attemptRow, clientLeft, failOver, verdictOf, type AttemptOutcome } from "./attempt-outcome.ts";

const trace = { traceId: "t1", model: "m", clientProtocol: "openai-chat", endpoint: "chat" as const, stream: false };
const upstream = { providerId: 7, providerName: "p", providerModel: "pm", associationId: 3, baseUrl: "http://upstream.test/v1" };

function outcome(fields: Partial<AttemptOutcome>): AttemptOutcome {
  return { upstream, attempt: 1, status: "success", failure: null, neutral: false, timings: { startedAt: 1_000, durationMs: 250 }, ...fields };
}

describe("an attempt's outcome", () => {
  test("a failed attempt's row carries its class as reason and failure class", () => {
    const row = attemptRow(trace, outcome({ status: "error", statusCode: 429, failure: "rate_limit", error: "HTTP 429: slow down" }), {});
    expect(row).toMatchObject({ traceId: "t1", attempt: 1, providerId: 7, providerName: "p", providerModel: "pm", status: "error", statusCode: 429, reason: "rate_limit", failureClass: "rate_limit", durationMs: 250 });
  });

  test("a client that left: reason client_closed, no class, a neutral verdict", () => {
    const left = outcome({ status: "error", statusCode: 499, failure: null, neutral: true, error: "client closed the request" });
    expect(attemptRow(trace, left, {})).toMatchObject({ reason: "client_closed", failureClass: null });
    expect(verdictOf(left)).toMatchObject({ ok: false, neutral: true, failure: undefined, status: 499 });
  });

  test("a success: usage columns, tokens for the limits, first byte for the latency", () => {
    const usage = { inputTokens: 10, outputTokens: 5, cachedTokens: 2, reasoningTokens: 1, totalTokens: 15 };
    const done = outcome({ statusCode: 200, usage, timings: { startedAt: 1_000, firstByteMs: 40, durationMs: 90 } });
    expect(attemptRow(trace, done, {})).toMatchObject({ status: "success", reason: undefined, failureClass: null, promptTokens: 10, completionTokens: 5, totalTokens: 15, firstByteMs: 40, durationMs: 90 });
    expect(verdictOf(done)).toEqual({ ok: true, neutral: false, failure: undefined, firstByteMs: 40, message: undefined, status: 200, retryAfterMs: undefined, tokens: 15 });
  });

  test("errors inside an answer are classified where they are read", () => {
    expect(failOver("upstream returned invalid JSON")).toEqual({ failed: "upstream returned invalid JSON", failure: "server" });
    expect(answerFailed(new GatewayError("upstream", "blocked by the content filter"))).toEqual({ failure: "content", message: "blocked by the content filter" });
    // The protocol's own error type decides, not the words.
    expect(answerFailed(new GatewayError("overloaded", "overloaded_error: Overloaded"))).toEqual({ failure: "overloaded", message: "overloaded_error: Overloaded" });
    expect(failOver(new GatewayError("rate_limit", "Rate limit reached for gpt-4o"))).toEqual({ failed: "Rate limit reached for gpt-4o", failure: "rate_limit" });
    expect(failOver(new GatewayError("rate_limit", "You exceeded your current quota"))).toMatchObject({ failure: "quota" });
    expect(failOver(new GatewayError("bad_request", "context_length_exceeded"))).toMatchObject({ failure: "bad_request" });
    expect(failOver(new GatewayError("timeout", "no output within 100 ms"))).toMatchObject({ failure: "timeout" });
    expect(clientLeft()).toEqual({ failure: null, message: "client closed the request" });
  });
});
