import { describe, expect, test } from "bun:test";
import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeError, encodeError, encodeStreamError, errorHeaders } from "./errors.ts";
import { streamEventError } from "./fast-path.ts";

const recorded = loadFixture<{ status: number; body: Record<string, unknown> }>(import.meta.dir, "error.response");

describe("decodeError: recorded upstream error bodies", () => {
  const expected: Array<[GatewayErrorKind, number]> = [
    ["authentication", 401],
    ["rate_limit", 429],
    ["rate_limit", 429], // insufficient_quota is also a 429
    ["bad_request", 400],
    ["not_found", 404],
    ["upstream", 502],
    ["overloaded", 503],
    ["bad_request", 400], // vLLM's flat error object
  ];
  recorded.forEach(({ status, body }, position) => {
    test(`HTTP ${status} #${position}`, () => {
      const error = decodeError(status, JSON.stringify(body));
      const [kind, gatewayStatus] = expected[position];
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(gatewayStatus);
      const upstreamMessage = (body.error as { message?: string } | undefined)?.message ?? (body.message as string);
      expect(error.message).toBe(upstreamMessage);
    });
  });

  test("param is kept (context length)", () => {
    expect(decodeError(recorded[3].status, JSON.stringify(recorded[3].body)).param).toBe("messages");
  });

  test("odd bodies: FastAPI detail, bare string, HTML, empty", () => {
    expect(decodeError(422, '{"detail":[{"loc":["body","model"],"msg":"field required"}]}')).toMatchObject({ kind: "bad_request", status: 422, message: "field required" });
    expect(decodeError(400, '{"detail":"Not allowed"}').message).toBe("Not allowed");
    expect(decodeError(500, '{"error":"boom"}').message).toBe("boom");
    expect(decodeError(502, "<html>Bad Gateway</html>")).toMatchObject({ kind: "upstream", message: "<html>Bad Gateway</html>" });
    expect(decodeError(504, "")).toMatchObject({ kind: "timeout", message: "upstream returned HTTP 504" });
    expect(decodeError(529, '{"error":{"message":"Overloaded"}}').kind).toBe("overloaded");
    expect(decodeError(403, '{"error":{"message":"no"}}')).toMatchObject({ kind: "permission", status: 403 });
    expect(decodeError(413, "too big")).toMatchObject({ kind: "bad_request", status: 413 });
  });
});

describe("encodeError / encodeStreamError / errorHeaders", () => {
  test("OpenAI envelope with type, param and code by kind; trace id in the message", () => {
    const error = new GatewayError("rate_limit", "Too many requests", { traceId: "t-1" });
    expect(encodeError(error)).toEqual({
      error: { message: "Too many requests (trace id: t-1)", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
    });
    expect(encodeError(new GatewayError("bad_request", "bad", { param: "messages" }))).toEqual({
      error: { message: "bad", type: "invalid_request_error", param: "messages", code: null },
    });
    expect(encodeError(new GatewayError("authentication", "no key")).error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
  });

  test("stream error is one data frame", () => {
    const frame = encodeStreamError(new GatewayError("upstream", "died"));
    expect(frame).toBe('data: {"error":{"message":"died","type":"upstream_error","param":null,"code":null}}\n\n');
  });

  test("x-should-retry: true for 429 and 5xx, false for other 4xx; retry-after when known", () => {
    expect(errorHeaders(new GatewayError("rate_limit", "x", { retryAfterSeconds: 2.5 }))).toEqual({ "x-should-retry": "true", "retry-after": "3" });
    expect(errorHeaders(new GatewayError("overloaded", "x"))).toEqual({ "x-should-retry": "true" });
    expect(errorHeaders(new GatewayError("upstream", "x"))).toEqual({ "x-should-retry": "true" });
    expect(errorHeaders(new GatewayError("bad_request", "x"))).toEqual({ "x-should-retry": "false" });
    expect(errorHeaders(new GatewayError("authentication", "x"))).toEqual({ "x-should-retry": "false" });
    expect(errorHeaders(new GatewayError("not_found", "x"))).toEqual({ "x-should-retry": "false" });
  });

  test("decodeError(encodeError(e)) keeps kind and message (gateway behind gateway)", () => {
    for (const kind of ["bad_request", "authentication", "permission", "not_found", "rate_limit", "overloaded", "timeout"] as const) {
      const original = new GatewayError(kind, `a ${kind}`);
      const decoded = decodeError(original.status, JSON.stringify(encodeError(original)));
      expect([kind, decoded.kind, decoded.message]).toEqual([kind, kind, `a ${kind}`]);
    }
  });
});

describe("streamEventError", () => {
  test("recorded error frame", () => {
    const frame = loadFixture<{ data: string }>(import.meta.dir, "error.stream").at(-1)!;
    expect(streamEventError(frame)).toMatchObject({ kind: "upstream", message: "The server had an error while processing your request. Sorry about that!" });
  });

  test("only real error frames", () => {
    expect(streamEventError({ data: '{"error":"plain"}' })?.message).toBe("plain");
    expect(streamEventError({ data: '{ "error": { "message": "spaced" } }' })?.message).toBe("spaced");
    expect(streamEventError({ data: '{"error":{"message":"slow down","type":"rate_limit_error"}}' })?.kind).toBe("rate_limit");
    expect(streamEventError({ data: '{"error":{"code":"server_error"}}' })?.message).toBe('{"error":{"code":"server_error"}}');
    expect(streamEventError({ data: '{"choices":[{"delta":{"content":"an \\"error\\" word"}}]}' })).toBeUndefined();
    expect(streamEventError({ data: '{"choices":[{"delta":{"content":"error"}}]}' })).toBeUndefined();
    expect(streamEventError({ data: "[DONE]" })).toBeUndefined();
  });
});
