import { describe, expect, test } from "vitest";
import { fakeGateway, json, unauthorized } from "../test-support.ts";
import { GatewayClient, GatewayError } from "./client.ts";

const TOKEN = "admin-token-0123456789";

function client(routes: Parameters<typeof fakeGateway>[0], options: { credential?: string; timeoutMs?: number } = {}) {
  const gateway = fakeGateway(routes);
  return { gateway, client: new GatewayClient({ baseUrl: "http://127.0.0.1:7070/", credential: options.credential ?? TOKEN, fetch: gateway.fetch, timeoutMs: options.timeoutMs }) };
}

describe("routing changes", () => {
  test("pin sends PUT /api/models/:id/pin with the provider id, unpin sends null", async () => {
    const { gateway, client: api } = client({ "PUT /api/models/3/pin": (call) => json({ id: 3, name: "m", pinnedProviderId: (call.body as { providerId: number | null }).providerId, providerCount: 2 }) });
    expect((await api.pin(3, 7)).pinnedProviderId).toBe(7);
    expect((await api.pin(3, null)).pinnedProviderId).toBeNull();
    expect(gateway.calls).toEqual([
      { method: "PUT", url: "http://127.0.0.1:7070/api/models/3/pin", authorization: `Bearer ${TOKEN}`, body: { providerId: 7 } },
      { method: "PUT", url: "http://127.0.0.1:7070/api/models/3/pin", authorization: `Bearer ${TOKEN}`, body: { providerId: null } },
    ]);
  });

  test("a route's switch and weight, and pausing a provider, are single PUTs", async () => {
    const { gateway, client: api } = client({
      "PUT /api/model-providers/11": (call) => json({ id: 11, ...(call.body as object) }),
      "PUT /api/providers/5": (call) => json({ id: 5, ...(call.body as object) }),
    });
    await api.updateAssociation(11, { enabled: false });
    await api.updateAssociation(11, { weight: 40 });
    await api.setProviderEnabled(5, false);
    expect(gateway.calls.map((call) => [call.method, new URL(call.url).pathname, call.body])).toEqual([
      ["PUT", "/api/model-providers/11", { enabled: false }],
      ["PUT", "/api/model-providers/11", { weight: 40 }],
      ["PUT", "/api/providers/5", { enabled: false }],
    ]);
  });

  test("a refused change surfaces the gateway's message", async () => {
    const { client: api } = client({ "PUT /api/models/3/pin": () => json({ error: "Invalid body: /providerId 9 does not serve model 3" }, 400) });
    await expect(api.pin(3, 9)).rejects.toMatchObject({ kind: "http", status: 400, message: "Invalid body: /providerId 9 does not serve model 3" });
  });
});

describe("failures are typed and never carry the token", () => {
  test("401 → unauthorized", async () => {
    const { client: api } = client({ "GET /api/status": unauthorized });
    const error = await api.status().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  test("connection refused → down", async () => {
    const api = new GatewayClient({ baseUrl: "http://127.0.0.1:9", credential: TOKEN, fetch: () => Promise.reject(new TypeError("Failed to fetch")) });
    await expect(api.status()).rejects.toMatchObject({ kind: "down", message: "cannot reach http://127.0.0.1:9" });
  });

  test("no answer within the timeout → timeout", async () => {
    const hanging = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    const api = new GatewayClient({ baseUrl: "http://127.0.0.1:7070", credential: TOKEN, fetch: hanging, timeoutMs: 30 });
    const started = Date.now();
    await expect(api.live()).rejects.toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("an answer that is not JSON (not a gateway) → http", async () => {
    const { client: api } = client({ "GET /api/status": () => new Response("<html>", { status: 200 }) });
    await expect(api.status()).rejects.toMatchObject({ kind: "http" });
  });

  test("the liveness check sends no credential", async () => {
    const { gateway, client: api } = client({ "GET /health": () => json({ status: "ok" }) });
    await api.liveness();
    expect(gateway.calls[0]?.authorization).toBeNull();
  });

  test("a client key lists its models through the proxy API", async () => {
    const { gateway, client: api } = client({ "GET /v1/models": () => json({ object: "list", data: [{ id: "a" }, { id: "b" }] }) }, { credential: "sk-client" });
    expect(await api.clientModels()).toEqual(["a", "b"]);
    expect(gateway.calls[0]?.authorization).toBe("Bearer sk-client");
  });
});
