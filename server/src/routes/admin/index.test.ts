import { describe, expect, test } from "bun:test";
import { createAdminHarness, suiteHarness } from "./test-support.ts";

describe("admin authentication", () => {
  const { call } = suiteHarness();

  test("401 JSON without a token", async () => {
    const response = await call("GET", "/api/providers", undefined, null);
    expect(response.status).toBe(401);
    expect(response.json.error).toStartWith("unauthorized");
  });

  test("401 with a wrong token, even for a body that would fail validation", async () => {
    const response = await call("POST", "/api/providers", { type: "nope" }, "wrong-token");
    expect(response.status).toBe(401);
    expect(response.json.error).toContain("Authorization: Bearer");
  });

  test("x-api-key is not an admin credential", async () => {
    const { app, close } = await createAdminHarness();
    const response = await app.handle(new Request("http://localhost/api/status", { headers: { "x-api-key": "test-token" } }));
    await close();
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  test("200 with the token", async () => {
    const response = await call("GET", "/api/providers");
    expect(response.status).toBe(200);
    expect(response.json).toEqual([]);
  });
});

describe("admin validation errors", () => {
  const { call } = suiteHarness();

  test("a bad enum is a 400 listing the choices", async () => {
    const response = await call("POST", "/api/providers", { name: "p", type: "mistral", baseUrl: "https://x" });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: "Invalid body: /type must be one of openai, openai-responses, anthropic, gemini",
    });
  });

  test("a missing field is a 400 naming it", async () => {
    const response = await call("POST", "/api/providers", { type: "openai", baseUrl: "https://x" });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: "Invalid body: /name is required" });
  });

  test("bounds and nested fields are named", async () => {
    expect((await call("POST", "/api/models", { name: "m", maxRetry: -1 })).json).toEqual({
      error: "Invalid body: /maxRetry must be an integer ≥ 0",
    });
    expect((await call("POST", "/api/providers", { name: "p", type: "openai", baseUrl: "https://x", headers: { x: 1 } })).json).toEqual({
      error: "Invalid body: /headers/x must be a string",
    });
  });

  test("bad params and query values are 400s naming the field", async () => {
    expect(await call("GET", "/api/providers/abc")).toMatchObject({ status: 400, json: { error: "Invalid params: /id must be an integer" } });
    expect(await call("GET", "/api/logs?status=maybe")).toMatchObject({
      status: 400,
      json: { error: "Invalid query: /status must be one of success, error" },
    });
  });

  test("malformed JSON is a 400", async () => {
    const response = await call("POST", "/api/models", "{not json");
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("not valid JSON");
  });
});
