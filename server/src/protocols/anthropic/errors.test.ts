import { describe, expect, test } from "bun:test";
import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import { loadFixture, parseSseJson } from "../test-kit/index.ts";
import { decodeError, encodeError, encodeStreamError, errorHeaders } from "./errors.ts";

type ErrorFixture = { status: number; body: { type: string; error: { type: string; message: string } } };

describe("encodeError", () => {
  const cases: Array<[GatewayErrorKind, number | undefined, number, string]> = [
    ["bad_request", undefined, 400, "invalid_request_error"],
    ["bad_request", 413, 413, "request_too_large"],
    ["authentication", undefined, 401, "authentication_error"],
    ["permission", undefined, 403, "permission_error"],
    ["not_found", undefined, 404, "not_found_error"],
    ["rate_limit", undefined, 429, "rate_limit_error"],
    ["internal", undefined, 500, "api_error"],
    ["upstream", undefined, 502, "api_error"],
    ["overloaded", undefined, 503, "overloaded_error"],
    ["overloaded", 529, 529, "overloaded_error"],
    ["timeout", undefined, 504, "api_error"],
  ];
  for (const [kind, status, expectedStatus, type] of cases) {
    test(`${kind}${status ? ` (${status})` : ""} → ${expectedStatus} ${type}`, () => {
      const error = new GatewayError(kind, "went wrong", status === undefined ? {} : { status });
      expect(error.status).toBe(expectedStatus);
      expect(encodeError(error)).toEqual({ type: "error", error: { type, message: "went wrong" } });
    });
  }

  test("the trace id goes into the message and request_id", () => {
    const error = new GatewayError("rate_limit", "Too many requests", { traceId: "t-123" });
    expect(encodeError(error)).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "Too many requests (trace id: t-123)" },
      request_id: "t-123",
    });
  });

  test("stream error frame: event name equals type", async () => {
    const text = encodeStreamError(new GatewayError("overloaded", "busy"));
    expect(text).toStartWith("event: error\ndata: ");
    expect(text).toEndWith("\n\n");
    expect(await parseSseJson(text)).toEqual([{ event: "error", data: { type: "error", error: { type: "overloaded_error", message: "busy" } } }]);
  });

  test("x-should-retry for rate limits and server errors only", () => {
    expect(errorHeaders(new GatewayError("rate_limit", "x"))["x-should-retry"]).toBe("true");
    expect(errorHeaders(new GatewayError("overloaded", "x"))["x-should-retry"]).toBe("true");
    expect(errorHeaders(new GatewayError("upstream", "x"))["x-should-retry"]).toBe("true");
    expect(errorHeaders(new GatewayError("bad_request", "x"))["x-should-retry"]).toBe("false");
    expect(errorHeaders(new GatewayError("authentication", "x"))).toEqual({ "x-should-retry": "false" });
    expect(errorHeaders(new GatewayError("not_found", "x", { traceId: "t" }))).toEqual({ "x-should-retry": "false", "request-id": "t" });
  });
});

describe("decodeError", () => {
  const expectedKinds: Record<number, GatewayErrorKind> = {
    400: "bad_request",
    401: "authentication",
    403: "permission",
    404: "not_found",
    413: "bad_request",
    429: "rate_limit",
    500: "upstream",
    529: "overloaded",
  };
  for (const { status, body } of loadFixture<ErrorFixture>(import.meta.dir, "error.response")) {
    test(`recorded ${status} ${body.error.type}`, () => {
      const error = decodeError(status, JSON.stringify(body));
      expect(error.kind).toBe(expectedKinds[status]);
      expect(error.status).toBe(status);
      expect(error.message).toBe(body.error.message);
      // And back: the Anthropic client sees the same error type.
      expect((encodeError(error).error as { type: string }).type).toBe(body.error.type);
    });
  }

  test("non-JSON bodies and unknown types fall back to the status", () => {
    expect(decodeError(502, "<html>Bad gateway</html>")).toMatchObject({ kind: "upstream", status: 502, message: "<html>Bad gateway</html>" });
    expect(decodeError(503, "")).toMatchObject({ kind: "overloaded", message: "Anthropic upstream answered HTTP 503" });
    expect(decodeError(504, "{}")).toMatchObject({ kind: "timeout" });
    expect(decodeError(409, JSON.stringify({ type: "error", error: { type: "brand_new_error", message: "m" } }))).toMatchObject({ kind: "bad_request", status: 409, message: "m" });
    expect(decodeError(402, JSON.stringify({ type: "error", error: { type: "billing_error", message: "pay" } }))).toMatchObject({ kind: "permission", status: 402 });
  });
});
