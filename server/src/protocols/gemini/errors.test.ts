import { describe, expect, test } from "bun:test";
import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeError, encodeError, encodeStreamError } from "./errors.ts";

interface RecordedError {
  status: number;
  body: { error: { code: number; message: string; status: string } };
}

describe("decodeError", () => {
  test("recorded Google error bodies map to kinds and keep the upstream message", () => {
    const expected: Array<[GatewayErrorKind, number]> = [
      ["authentication", 401], // 400 API_KEY_INVALID is a credential problem
      ["bad_request", 400],
      ["permission", 403],
      ["not_found", 404],
      ["rate_limit", 429],
      ["upstream", 502],
      ["overloaded", 503],
      ["timeout", 504],
    ];
    const recorded = loadFixture<RecordedError>(import.meta.dir, "error.response");
    expect(recorded).toHaveLength(expected.length);
    recorded.forEach((entry, position) => {
      const error = decodeError(entry.status, JSON.stringify(entry.body));
      expect(error).toBeInstanceOf(GatewayError);
      expect([error.kind, error.status]).toEqual(expected[position]);
      expect(error.message).toBe(entry.body.error.message);
    });
    expect(decodeError(429, JSON.stringify(recorded[4].body)).retryAfterSeconds).toBe(27);
  });

  test("array-wrapped bodies (streams without alt=sse), plain text and empty bodies", () => {
    const wrapped = decodeError(503, '[{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}]');
    expect([wrapped.kind, wrapped.message]).toEqual(["overloaded", "busy"]);
    const html = decodeError(502, "<html>Bad Gateway</html>");
    expect([html.kind, html.message]).toEqual(["upstream", "<html>Bad Gateway</html>"]);
    const empty = decodeError(401, "");
    expect([empty.kind, empty.message]).toEqual(["authentication", "Gemini upstream returned HTTP 401"]);
    const tooLarge = decodeError(413, '{"error":{"code":413,"message":"too big"}}');
    expect([tooLarge.kind, tooLarge.status]).toEqual(["bad_request", 413]);
  });
});

describe("encodeError", () => {
  test("Google's envelope with the canonical status name and the trace id in the message", () => {
    const error = new GatewayError("not_found", "The model `x` does not exist", { traceId: "t-1" });
    expect(encodeError(error)).toEqual({ error: { code: 404, message: "The model `x` does not exist (trace id: t-1)", status: "NOT_FOUND" } });
    const statuses = (["bad_request", "authentication", "permission", "rate_limit", "upstream", "overloaded", "timeout", "internal"] as const).map(
      (kind) => (encodeError(new GatewayError(kind, "m")).error as { status: string; code: number }),
    );
    expect(statuses.map((entry) => entry.status)).toEqual([
      "INVALID_ARGUMENT",
      "UNAUTHENTICATED",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "UNAVAILABLE",
      "UNAVAILABLE",
      "DEADLINE_EXCEEDED",
      "INTERNAL",
    ]);
    expect(statuses.map((entry) => entry.code)).toEqual([400, 401, 403, 429, 502, 503, 504, 500]);
    expect(encodeError(new GatewayError("bad_request", "client closed the request", { status: 499 })).error).toMatchObject({ code: 499, status: "CANCELLED" });
  });

  test("a retry hint becomes a RetryInfo detail, and the stream error is one SSE data frame", () => {
    const error = new GatewayError("rate_limit", "quota", { retryAfterSeconds: 12 });
    const frame = encodeStreamError(error);
    expect(frame).toStartWith("data: ");
    expect(frame).toEndWith("\r\n\r\n");
    expect(JSON.parse(frame.slice(6))).toEqual({
      error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" }] },
    });
    // And it decodes back to the same kind and hint.
    const decoded = decodeError(429, frame.slice(6));
    expect([decoded.kind, decoded.retryAfterSeconds, decoded.message]).toEqual(["rate_limit", 12, "quota"]);
  });
});
