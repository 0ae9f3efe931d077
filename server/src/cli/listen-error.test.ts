import { describe, expect, test } from "bun:test";
import { listenFailure } from "./listen-error.ts";

/** The error Bun.serve throws for a port another server already holds (never reusePort). */
function bindError(port: number): unknown {
  try {
    Bun.serve({ port, hostname: "127.0.0.1", reusePort: false, fetch: () => new Response("") }).stop(true);
  } catch (error) {
    return error;
  }
  throw new Error(`port ${port} was free`);
}

const where = (port: number) => ({ host: "127.0.0.1", port, portHint: "choose another port with --port" });

describe("listenFailure", () => {
  test("a busy port held by an llmio names it", async () => {
    const holder = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ status: "ok" }) });
    try {
      const failure = await listenFailure(bindError(holder.port!), where(holder.port!));
      expect(failure?.message).toBe(`port ${holder.port} is already in use: another llmio answers there`);
      expect(failure?.hint).toBe("stop it, or choose another port with --port");
      expect(failure?.exitCode).toBe(1);
    } finally {
      await holder.stop(true);
    }
  });

  test("a busy port held by anything else says so", async () => {
    const holder = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ status: "up" }) });
    try {
      const failure = await listenFailure(bindError(holder.port!), where(holder.port!));
      expect(failure?.message).toBe(`port ${holder.port} is already in use by another program`);
      expect(failure?.hint).toBe("choose another port with --port");
    } finally {
      await holder.stop(true);
    }
  });

  test("no permission for a low port, an address not on this machine; other errors are not ours", async () => {
    const denied = Object.assign(new Error("denied"), { code: "EACCES" });
    expect((await listenFailure(denied, where(80)))?.hint).toBe("ports below 1024 need root or CAP_NET_BIND_SERVICE; choose another port with --port");
    const notHere = Object.assign(new Error("no"), { code: "EADDRNOTAVAIL" });
    expect((await listenFailure(notHere, { ...where(7070), host: "10.9.9.9" }))?.message).toBe("cannot listen on 10.9.9.9: no such address on this machine");
    expect(await listenFailure(new Error("something else"), where(7070))).toBeUndefined();
  });
});
