import { describe, expect, test } from "vitest";
import { GatewayClient } from "./api/client.ts";
import { probeGateway } from "./connection.ts";
import { fakeGateway, json, STATUS, unauthorized } from "./test-support.ts";

const probe = (routes: Parameters<typeof fakeGateway>[0], credential = "token") => {
  const gateway = fakeGateway(routes);
  return { gateway, result: probeGateway(new GatewayClient({ baseUrl: "http://127.0.0.1:7070", credential, fetch: gateway.fetch })) };
};

describe("probing the gateway", () => {
  test("the admin token: status, one call", async () => {
    const { gateway, result } = probe({ "GET /api/status": () => json(STATUS) });
    expect(await result).toEqual({ kind: "admin", status: STATUS });
    expect(gateway.calls).toHaveLength(1);
  });

  test("a client key: the admin API refuses it, the proxy API lists its models", async () => {
    const { result } = probe({ "GET /api/status": unauthorized, "GET /v1/models": () => json({ data: [{ id: "chat" }] }) });
    expect(await result).toEqual({ kind: "client", models: ["chat"] });
  });

  test("a token nobody accepts", async () => {
    const { result } = probe({ "GET /api/status": unauthorized, "GET /v1/models": () => json({ error: { message: "invalid api key" } }, 401) });
    expect(await result).toEqual({ kind: "unauthorized", reason: "rejected", message: "invalid api key" });
  });

  test("no token: only the unauthenticated liveness check", async () => {
    const { gateway, result } = probe({ "GET /health": () => json({ status: "ok" }) }, "");
    expect(await result).toMatchObject({ kind: "unauthorized", reason: "missing" });
    expect(gateway.calls.map((call) => new URL(call.url).pathname)).toEqual(["/health"]);
  });

  test("a gateway that is down", async () => {
    const result = await probeGateway(new GatewayClient({ baseUrl: "http://127.0.0.1:9", credential: "t", fetch: () => Promise.reject(new TypeError("Failed to fetch")) }));
    expect(result).toEqual({ kind: "down", message: "cannot reach http://127.0.0.1:9" });
  });

  test("a server error is reported, not thrown", async () => {
    const { result } = probe({ "GET /api/status": () => json({ error: "database is locked" }, 500) });
    expect(await result).toEqual({ kind: "error", message: "database is locked" });
  });
});
