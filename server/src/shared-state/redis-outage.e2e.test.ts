/**
 * Redis going away must never stop or stall the gateway: decisions fall back to this
 * instance's own state, a warning is logged once, and sharing resumes when Redis is back.
 * The outage cases run a private redis-server (so it can be paused and killed); they say
 * they are skipped when the binary is not installed.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { Balancer, newTried } from "../routing/balancer.ts";
import { connectSharedState, RedisSharedState, type SharedState } from "./index.ts";
import { candidate, closedPort, eventually, isLease, route } from "./test-support.ts";

const redisServer = Bun.which("redis-server");
if (!redisServer) console.error("redis outage: cases with a live Redis skipped (no redis-server binary)");

const opened: SharedState[] = [];
const servers: Bun.Subprocess[] = [];

afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

afterAll(() => {
  for (const server of servers) {
    server.kill("SIGCONT");
    server.kill();
  }
});

async function connect(url: string, options: Parameters<typeof connectSharedState>[1] = {}) {
  const state = await connectSharedState(url, { prefix: `llmio-outage:${crypto.randomUUID().slice(0, 8)}:`, retryMs: 100, ...options });
  opened.push(state);
  return state as RedisSharedState;
}

/** Captures what the logger writes (stderr) while `body` runs. */
async function capturingLog(body: (lines: string[]) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await body(lines);
  } finally {
    process.stderr.write = write;
  }
}

async function startRedis(port: number): Promise<Bun.Subprocess> {
  const server = Bun.spawn([redisServer!, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "ignore" });
  servers.push(server);
  const probe = new Bun.RedisClient(`redis://127.0.0.1:${port}`, { autoReconnect: false, connectionTimeout: 200 });
  await eventually(async () => {
    try {
      await probe.connect();
      return (await probe.send("PING", [])) === "PONG";
    } catch {
      return false;
    }
  }, 5_000);
  probe.close();
  return server;
}

const occurrences = (lines: string[], text: string) => lines.filter((line) => line.includes(text)).length;

describe("Redis unreachable", () => {
  test("from the start: the gateway starts at once and decides locally", async () => {
    await capturingLog(async (lines) => {
      const started = Date.now();
      const state = await connect(`redis://127.0.0.1:${closedPort()}`);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(state.available).toBe(false);
      expect(occurrences(lines, "Redis is unreachable")).toBe(1);

      const balancer = new Balancer({ shared: state.routing });
      const candidates = [candidate(1, { limits: { maxConcurrent: 1 } })];
      expect(isLease(await balancer.acquire(candidates, newTried(), Date.now() + 50))).toBe(true);
      const again = Date.now();
      expect(isLease(await balancer.acquire(candidates, newTried(), Date.now() + 50))).toBe(false);
      expect(Date.now() - again).toBeLessThan(300);

      balancer.stick({ route: route([candidate(1), candidate(2)]), sessionKey: "s" }, 2);
      expect(((await balancer.plan({ route: route([candidate(1), candidate(2)]), sessionKey: "s" })) as Array<{ associationId: number }>)[0].associationId).toBe(2);

      const lockout = state.lockout({ maxFailures: 1 });
      lockout.recordFailure("192.0.2.1", Date.now(), "guess");
      expect(lockout.isLocked("192.0.2.1")).toBe(true);
      state.changes.publish("catalog");
      await Bun.sleep(250);
      // Retried in the background, without a warning per try.
      expect(occurrences(lines, "Redis is unreachable")).toBe(1);
    });
  });

  test.skipIf(!redisServer)("stalls mid-run: bounded by the command timeout, local meanwhile, shared again once it answers", async () => {
    const port = closedPort();
    const server = await startRedis(port);
    await capturingLog(async (lines) => {
      const state = await connect(`redis://127.0.0.1:${port}`, { commandTimeoutMs: 200 });
      const other = await connect(`redis://127.0.0.1:${port}`, { prefix: state.connection.prefix });
      const balancer = new Balancer({ shared: state.routing });
      const candidates = [candidate(1, { limits: { maxConcurrent: 5 } })];
      expect(isLease(await balancer.acquire(candidates, newTried(), Date.now() + 50))).toBe(true);
      expect((await balancer.sharedLimitSnapshot(101, Date.now())).inFlight).toBe(1);

      server.kill("SIGSTOP");
      let started = Date.now();
      expect(isLease(await balancer.acquire(candidates, newTried(), Date.now() + 50))).toBe(true);
      expect(Date.now() - started).toBeLessThan(600);
      expect(state.available).toBe(false);
      started = Date.now();
      expect(isLease(await balancer.acquire(candidates, newTried(), Date.now() + 50))).toBe(true);
      expect(Date.now() - started).toBeLessThan(50);
      expect(occurrences(lines, "Redis is unreachable")).toBe(1);
      // The local counters saw every admission, so the fallback knows this instance's load.
      expect(balancer.limitSnapshot(101, Date.now()).inFlight).toBe(3);

      server.kill("SIGCONT");
      await eventually(() => state.available, 5_000);
      expect(occurrences(lines, "Redis answers again")).toBe(1);
      const heard: string[] = [];
      other.changes.subscribe("catalog", () => heard.push("catalog"));
      state.changes.publish("catalog");
      await eventually(() => heard.length > 0);
    });
  });

  test.skipIf(!redisServer)("restarts empty mid-run: reconnects, subscribes and loads its scripts again", async () => {
    const port = closedPort();
    let server = await startRedis(port);
    const a = await connect(`redis://127.0.0.1:${port}`);
    const b = await connect(`redis://127.0.0.1:${port}`, { prefix: a.connection.prefix });
    await capturingLog(async () => {
      server.kill("SIGKILL");
      await server.exited;
      await eventually(() => !a.available && !b.available, 3_000);
      server = await startRedis(port);
      await eventually(() => a.available && b.available, 5_000);
    });
    // Scripts dropped behind the gateway's back are sent again by source.
    await a.connection.run((client) => client.send("SCRIPT", ["FLUSH"]));

    const balancerA = new Balancer({ shared: a.routing });
    const balancerB = new Balancer({ shared: b.routing });
    const candidates = [candidate(1, { limits: { maxConcurrent: 1 } })];
    expect(isLease(await balancerA.acquire(candidates, newTried(), Date.now() + 50))).toBe(true);
    expect(isLease(await balancerB.acquire(candidates, newTried(), Date.now() + 50))).toBe(false);
    const lockoutA = a.lockout({ maxFailures: 1 });
    const lockoutB = b.lockout({ maxFailures: 1 });
    lockoutA.recordFailure("192.0.2.7", Date.now(), "guess");
    await eventually(() => lockoutB.isLocked("192.0.2.7"));
  });
});
