import { describe, expect, test } from "bun:test";
import { classifyFailure, isKeyFailure, isRetryable, type FailureClass } from "./failure-class.ts";

describe("classifyFailure", () => {
  test("how the call ended wins over any status", () => {
    expect(classifyFailure({ timedOut: true, status: 500 })).toBe("timeout");
    expect(classifyFailure({ connectionFailed: true })).toBe("connection");
    expect(classifyFailure({})).toBe("server");
  });

  test("a failed 2xx is content when the text says so, else server", () => {
    expect(classifyFailure({ status: 200, message: "blocked by content_filter" })).toBe("content");
    expect(classifyFailure({ status: 200, message: "Content policy violation" })).toBe("content");
    expect(classifyFailure({ status: 200, message: "upstream error frame" })).toBe("server");
  });

  test("401/403: credential unless the text is about quota or billing", () => {
    expect(classifyFailure({ status: 401, message: "invalid api key" })).toBe("credential");
    expect(classifyFailure({ status: 403 })).toBe("credential");
    expect(classifyFailure({ status: 403, message: "Your credit balance is too low" })).toBe("quota");
    expect(classifyFailure({ status: 401, message: "billing not active" })).toBe("quota");
  });

  test("402 is quota", () => {
    expect(classifyFailure({ status: 402 })).toBe("quota");
  });

  test("429 is a rate limit unless it speaks of quota without speaking of rate", () => {
    expect(classifyFailure({ status: 429 })).toBe("rate_limit");
    expect(classifyFailure({ status: 429, message: "Rate limit reached for requests" })).toBe("rate_limit");
    expect(classifyFailure({ status: 429, message: "You exceeded your current quota, please check your plan" })).toBe("quota");
    expect(classifyFailure({ status: 429, message: "insufficient_quota" })).toBe("quota");
    expect(classifyFailure({ status: 429, message: "quota for rate of requests exceeded" })).toBe("rate_limit");
  });

  test("timeouts, overload and server errors by status", () => {
    const cases: Array<[number, FailureClass]> = [
      [408, "timeout"],
      [504, "timeout"],
      [503, "overloaded"],
      [529, "overloaded"],
      [500, "server"],
      [502, "server"],
    ];
    for (const [status, expected] of cases) expect(classifyFailure({ status })).toBe(expected);
  });

  test("a 404 means the provider lacks the model or path: another provider may have it", () => {
    expect(classifyFailure({ status: 404, message: "The model `gpt-x` does not exist" })).toBe("server");
  });

  test("a 429 about a quota is quota, about a rate limit (not words like 'generate') is rate_limit", () => {
    expect(classifyFailure({ status: 429, message: "You exceeded your current quota while trying to generate" })).toBe("quota");
    expect(classifyFailure({ status: 429, message: "Rate limit reached; quota resets soon" })).toBe("rate_limit");
  });

  test("other 4xx are the client's fault; refused content is content", () => {
    expect(classifyFailure({ status: 400, message: "messages: field required" })).toBe("bad_request");
    expect(classifyFailure({ status: 422 })).toBe("bad_request");
    expect(classifyFailure({ status: 400, message: "Request blocked by safety settings" })).toBe("content");
    expect(classifyFailure({ status: 400, message: "flagged by moderation" })).toBe("content");
  });
});

describe("isRetryable / isKeyFailure", () => {
  const all: FailureClass[] = ["credential", "rate_limit", "quota", "overloaded", "server", "timeout", "connection", "bad_request", "content"];

  test("only client faults are not retried", () => {
    expect(all.filter((failure) => !isRetryable(failure))).toEqual(["bad_request", "content"]);
  });

  test("credential, rate limit and quota are about the key", () => {
    expect(all.filter(isKeyFailure)).toEqual(["credential", "rate_limit", "quota"]);
  });
});
