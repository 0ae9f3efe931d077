import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./api.ts";
import { setToken, token } from "./auth.ts";

afterEach(() => vi.unstubAllGlobals());

describe("the app's API client", () => {
  it("logs out when the API answers 401", async () => {
    setToken("stale-token");
    const fetch = vi.fn(async () => new Response('{"error":"unauthorized"}', { status: 401 }));
    vi.stubGlobal("fetch", fetch);
    await expect(api.providers()).rejects.toMatchObject({ status: 401 });
    expect((fetch.mock.calls[0] as unknown[])[1]).toMatchObject({ headers: { authorization: "Bearer stale-token" } });
    expect(token()).toBeNull();
    expect(localStorage.getItem("llmio.token")).toBeNull();
  });

  it("keeps the token on other errors", async () => {
    setToken("good-token");
    vi.stubGlobal("fetch", vi.fn(async () => new Response('{"error":"no such provider"}', { status: 404 })));
    await expect(api.providerModels(9)).rejects.toMatchObject({ status: 404, message: "no such provider" });
    expect(token()).toBe("good-token");
  });

  it("hits the contract's paths", async () => {
    setToken("t");
    const fetch = vi.fn(async () => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    await api.dashboard("7d");
    await api.trace("abc/def");
    await api.orderModels([3, 1]);
    await api.testProvider(4, "m");
    const calls = fetch.mock.calls.map((call) => {
      const [url, init] = call as unknown as [string, RequestInit];
      return `${init.method} ${url} ${init.body ?? ""}`.trim();
    });
    expect(calls).toEqual(["GET /api/dashboard?range=7d", "GET /api/logs/trace/abc%2Fdef", 'PUT /api/models/order {"ids":[3,1]}', 'POST /api/providers/4/test {"model":"m"}']);
  });
});
