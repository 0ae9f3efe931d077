import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { adminErrorResponse } from "./admin/handle-error.ts";
import { errorsAsJson } from "./http-guards.ts";

/** An app whose routes throw what a broken dependency would (the database gone, a bug). */
const app = new Elysia()
  .use(errorsAsJson)
  .post("/v1/messages", () => {
    throw new Error("database is closed");
  })
  .post("/v1/chat/completions", () => {
    throw new TypeError("cannot read properties of undefined");
  })
  .post("/v1beta/models/m:generateContent", () => {
    throw new Error("boom");
  })
  .use(
    new Elysia({ prefix: "/api" }).onError(({ code, error }) => adminErrorResponse(code, error)).get("/providers", () => {
      throw new Error("database is closed");
    }),
  );

const call = (method: string, path: string) => app.handle(new Request(`http://gateway${path}`, { method }));

describe("errorsAsJson: an unexpected exception is a 500 in the path's protocol shape, never plain text", () => {
  test("Anthropic, OpenAI and Gemini paths", async () => {
    const anthropic = await call("POST", "/v1/messages");
    expect(anthropic.status).toBe(500);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "api_error" } });
    const openai = await call("POST", "/v1/chat/completions");
    expect(openai.status).toBe(500);
    expect((await openai.json()).error.type).toBe("server_error");
    const gemini = await call("POST", "/v1beta/models/m:generateContent");
    expect(gemini.status).toBe(500);
    expect((await gemini.json()).error.status).toBe("INTERNAL");
  });

  test("the message does not leak the exception; the admin API answers { error }", async () => {
    const openai = await call("POST", "/v1/chat/completions");
    expect(JSON.stringify(await openai.json())).not.toContain("undefined");
    const admin = await call("GET", "/api/providers");
    expect(admin.status).toBe(500);
    expect(admin.headers.get("content-type")).toContain("application/json");
    expect((await admin.json()).error).toContain("failed");
  });

  test("unknown routes stay a JSON 404", async () => {
    const response = await call("POST", "/v1/nothing-here");
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("Invalid URL");
  });
});
