import { describe, expect, test } from "bun:test";
import type { WireName } from "../core/wire-protocol.ts";
import { errorForPath, notFoundResponse, protocolOfPath } from "./path-errors.ts";

describe("protocolOfPath", () => {
  test("each proxy path's protocol, in any letter case; none for the admin API and the UI", () => {
    const cases: Array<[string, WireName | undefined]> = [
      ["/v1/chat/completions", "openai-chat"],
      ["/openai/v1/responses", "openai-chat"],
      ["/v1/messages", "anthropic"],
      ["/V1/Messages/count_tokens", "anthropic"],
      ["/anthropic/v1/models", "anthropic"],
      ["/v1beta/models/gemini:generateContent", "gemini"],
      ["/v1/models/gemini-pro:streamGenerateContent", "gemini"],
      ["/gemini/v1beta/models", "gemini"],
      ["/v1/models", "openai-chat"],
      ["/api/providers", undefined],
      ["/settings", undefined],
    ];
    for (const [path, name] of cases) expect({ path, name: protocolOfPath(path)?.name }).toEqual({ path, name });
  });
});

describe("errorForPath and notFoundResponse", () => {
  test("admin paths answer { error }", async () => {
    const response = errorForPath("/api/x", "bad_request", "too big", 413);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "too big" });
  });

  test("a 404 reads as each protocol's own", async () => {
    expect(await notFoundResponse("POST", "/v1/nope").json()).toEqual({
      error: { message: "Invalid URL (POST /v1/nope)", type: "invalid_request_error", param: null, code: null },
    });
    expect(await notFoundResponse("POST", "/v1/messages/x").json()).toEqual({ type: "error", error: { type: "not_found_error", message: "Not found: POST /v1/messages/x" } });
    expect(((await notFoundResponse("GET", "/v1beta/x").json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND");
    expect(notFoundResponse("GET", "/elsewhere").status).toBe(404);
  });
});
