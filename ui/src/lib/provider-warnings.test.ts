import { describe, expect, it } from "vitest";
import { ApiError, createApiClient } from "./api-client.ts";
import { baseUrlWarning, providerCallFailure } from "./provider-warnings.ts";

const WARNING = { field: "baseUrl" as const, message: "missing /v1", suggestion: "http://host:11434/v1" };

describe("a failed call to a provider, read from the admin API's error", () => {
  it("keeps the error body's other fields on the ApiError", async () => {
    const body = { error: "listing the models of provider p failed: HTTP 404: not found", upstream: { status: 404, message: "not found" }, warnings: [WARNING] };
    const client = createApiClient({ token: () => "t", fetch: async () => new Response(JSON.stringify(body), { status: 502 }) });
    const error = await client.get("/api/providers/1/models").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(providerCallFailure(error)).toEqual({ upstream: { status: 404, message: "not found" }, warnings: [WARNING], message: body.error });
  });

  it("no answer from the provider: status null", () => {
    const error = new ApiError(502, "listing failed: connection failed", undefined, { upstream: { status: null, message: "connection failed" }, warnings: [] });
    expect(providerCallFailure(error).upstream).toEqual({ status: null, message: "connection failed" });
  });

  it("trusts nothing about the shape: a plain error, a text body, odd fields", () => {
    expect(providerCallFailure(new Error("offline"))).toEqual({ upstream: undefined, warnings: [], message: "offline" });
    expect(providerCallFailure(new ApiError(404, "provider 9 not found"))).toEqual({ upstream: undefined, warnings: [], message: "provider 9 not found" });
    const odd = new ApiError(502, "x", undefined, { upstream: { status: "404", message: 3 }, warnings: [{ field: "name", suggestion: "a" }, null, WARNING] });
    expect(providerCallFailure(odd)).toEqual({ upstream: undefined, warnings: [WARNING], message: "x" });
  });

  it("the base-URL warning a button can apply", () => {
    expect(baseUrlWarning([WARNING])).toEqual(WARNING);
    expect(baseUrlWarning([{ ...WARNING, suggestion: "" }])).toBeUndefined();
    expect(baseUrlWarning(undefined)).toBeUndefined();
  });
});
