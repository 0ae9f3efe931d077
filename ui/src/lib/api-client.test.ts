import { describe, expect, it, vi } from "vitest";
import { ApiError, createApiClient, errorMessage, toQueryString } from "./api-client.ts";

function fakeFetch(status: number, body: string) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(body, { status, headers: { "content-type": "application/json" } }));
}

describe("createApiClient", () => {
  it("sends the bearer token and JSON body, and parses the answer", async () => {
    const fetch = fakeFetch(200, '{"id":1}');
    const client = createApiClient({ token: () => "secret", fetch });
    await expect(client.post("/api/models", { name: "m" })).resolves.toEqual({ id: 1 });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("/api/models");
    expect(init?.method).toBe("POST");
    expect((init?.headers as Record<string, string>).authorization).toBe("Bearer secret");
    expect((init?.headers as Record<string, string>)["content-type"]).toBe("application/json");
    expect(init?.body).toBe('{"name":"m"}');
  });

  it("sends no authorization header without a token", async () => {
    const fetch = fakeFetch(200, "[]");
    await createApiClient({ token: () => null, fetch }).get("/api/providers");
    expect((fetch.mock.calls[0][1]?.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it("calls onUnauthorized on 401 and rejects with the server's message", async () => {
    const onUnauthorized = vi.fn();
    const client = createApiClient({ token: () => "old", onUnauthorized, fetch: fakeFetch(401, '{"error":"unauthorized"}') });
    const error = await client.get("/api/status").catch((caught) => caught);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, message: "unauthorized" });
  });

  it("turns other failures into ApiError without logging out", async () => {
    const onUnauthorized = vi.fn();
    const client = createApiClient({ token: () => "t", onUnauthorized, fetch: fakeFetch(400, '{"error":"Invalid body: /name is required"}') });
    await expect(client.put("/api/models/1", {})).rejects.toMatchObject({ status: 400, message: "Invalid body: /name is required" });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("keeps until when a 429 says to wait (Retry-After in seconds or as a date)", async () => {
    vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2026, 5, 12, 14, 0, 0));
    const answer = (retryAfter: string) => async () => new Response('{"error":"locked out"}', { status: 429, headers: { "retry-after": retryAfter } });
    const inSeconds = createApiClient({ token: () => "t", fetch: answer("900") });
    await expect(inSeconds.get("/api/status")).rejects.toMatchObject({ status: 429, message: "locked out", retryAt: Date.UTC(2026, 5, 12, 14, 15, 0) });
    const asDate = createApiClient({ token: () => "t", fetch: answer("Fri, 12 Jun 2026 14:05:00 GMT") });
    await expect(asDate.get("/api/status")).rejects.toMatchObject({ status: 429, retryAt: Date.UTC(2026, 5, 12, 14, 5, 0) });
    const unreadable = createApiClient({ token: () => "t", fetch: answer("soon") });
    expect(((await unreadable.get("/api/status").catch((caught) => caught)) as ApiError).retryAt).toBeUndefined();
  });

  it("reports network failures as status 0", async () => {
    const client = createApiClient({
      token: () => "t",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(client.get("/api/status")).rejects.toMatchObject({ status: 0, message: "Network error: Failed to fetch" });
  });

  it("accepts empty answers", async () => {
    const client = createApiClient({ token: () => "t", fetch: async () => new Response(null, { status: 204 }) });
    await expect(client.delete("/api/models/1")).resolves.toBeUndefined();
  });

  it("builds query strings without blank values", async () => {
    const fetch = fakeFetch(200, "[]");
    await createApiClient({ token: () => "t", fetch }).get("/api/model-providers", { modelId: 3, blank: "", none: undefined });
    expect(fetch.mock.calls[0][0]).toBe("/api/model-providers?modelId=3");
  });
});

describe("toQueryString", () => {
  it("is empty for nothing", () => {
    expect(toQueryString(undefined)).toBe("");
    expect(toQueryString({ a: null })).toBe("");
  });
  it("encodes values", () => {
    expect(toQueryString({ model: "a b", flag: true })).toBe("?model=a+b&flag=true");
  });
});

describe("errorMessage", () => {
  it("reads { error }, { message } and nested error objects", () => {
    expect(errorMessage(500, '{"error":"boom"}')).toBe("boom");
    expect(errorMessage(500, '{"message":"bad"}')).toBe("bad");
    expect(errorMessage(502, '{"error":{"message":"upstream"}}')).toBe("upstream");
  });
  it("falls back to the text, then the status", () => {
    expect(errorMessage(502, "Bad gateway")).toBe("Bad gateway");
    expect(errorMessage(503, "")).toBe("HTTP 503");
  });
});
