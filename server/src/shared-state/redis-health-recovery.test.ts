/**
 * Recovery outside the request path with several instances on one Redis: a provider found
 * working (probe, Test connection) or reset on one instance closes its breakers on every
 * instance, including one that starts later; one instance at a time claims a provider's probe.
 * Needs LLMIO_TEST_REDIS_URL.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { Balancer } from "../routing/balancer.ts";
import { connectSharedState, type SharedState } from "./index.ts";
import { deleteKeys, eventually } from "./test-support.ts";

const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
if (!redisUrl) console.error("redis health recovery: skipped (set LLMIO_TEST_REDIS_URL to run it)");
const runPrefix = `llmio-test:${process.pid}-${crypto.randomUUID().slice(0, 8)}:`;
const BREAKER = { failureThreshold: 2, openMs: 60_000 };
const ASSOC = 7;
const PROVIDER = 3;
const KEY = "sk-recovery-key-0001";
const OTHER_KEY = "sk-recovery-key-0002";

const opened: SharedState[] = [];
let pairs = 0;

async function instance(prefix: string) {
  const state = await connectSharedState(redisUrl, { prefix });
  opened.push(state);
  return new Balancer({ breaker: BREAKER, shared: state.routing }).health;
}

/** Two instances on one prefix; A saw the provider fail until its breakers opened, and B learnt it. */
async function brokenPair() {
  const prefix = `${runPrefix}${++pairs}:`;
  const a = await instance(prefix);
  const b = await instance(prefix);
  // B has used both keys, so it keeps their breakers (verdicts about unknown keys wait until it uses them).
  b.key(PROVIDER, KEY);
  b.key(PROVIDER, OTHER_KEY);
  const refused = { ok: false, failure: "connection" as const, message: "ECONNREFUSED" };
  for (const key of [KEY, OTHER_KEY]) for (let i = 0; i < 2; i++) a.record(ASSOC, PROVIDER, key, refused, Date.now());
  await eventually(() => b.associationTroubled(ASSOC) && b.keyCondition(PROVIDER, OTHER_KEY, Date.now()).breakerOpen);
  return { a, b, prefix };
}

afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

afterAll(async () => {
  if (redisUrl) await deleteKeys(redisUrl, runPrefix);
});

describe.skipIf(!redisUrl)("provider recovery over Redis", () => {
  test("a probe's success on A closes the breakers on B, and an instance started later finds them closed", async () => {
    const { a, b, prefix } = await brokenPair();
    a.recoverProvider(PROVIDER, { associationIds: [ASSOC], revivedKeys: [KEY], by: "probe", at: Date.now() });
    await eventually(() => !b.associationTroubled(ASSOC) && !b.keyCondition(PROVIDER, OTHER_KEY, Date.now()).breakerOpen);
    expect(b.providerCheck(PROVIDER)).toMatchObject({ by: "probe", ok: true });
    expect(b.associationSnapshot(ASSOC).breaker.state).toBe("closed");
    // The stored "open" markers are gone too: a new instance does not reopen what was closed.
    const late = await instance(prefix);
    await Bun.sleep(100);
    expect(late.associationTroubled(ASSOC)).toBe(false);
  });

  test("a reset on B revives a key A found dead", async () => {
    const { a, b } = await brokenPair();
    a.record(ASSOC, PROVIDER, KEY, { ok: false, failure: "credential", message: "HTTP 401: revoked" }, Date.now());
    await eventually(() => !b.keyUsable(PROVIDER, KEY, Date.now()));
    b.recoverProvider(PROVIDER, { associationIds: [ASSOC], revivedKeys: "all", by: "reset", at: Date.now() });
    await eventually(() => a.keyUsable(PROVIDER, KEY, Date.now()) && !a.associationTroubled(ASSOC));
  });

  test("a failed probe on A opens the breaker again on B, from then", async () => {
    const { a, b } = await brokenPair();
    const before = b.associationSnapshot(ASSOC).breaker.retryAt!;
    await Bun.sleep(5);
    const at = Date.now();
    a.recordProbeFailure(PROVIDER, ASSOC, KEY, { failure: "connection", cause: "connection-refused", message: "ECONNREFUSED", at });
    await eventually(() => b.associationSnapshot(ASSOC).breaker.retryAt === at + BREAKER.openMs);
    expect(b.associationSnapshot(ASSOC).breaker.retryAt).toBeGreaterThan(before);
  });

  test("one instance at a time claims a provider's probe", async () => {
    const { a, b } = await brokenPair();
    expect(await a.claimProbe(PROVIDER, 300)).toBe(true);
    expect(await b.claimProbe(PROVIDER, 300)).toBe(false);
    expect(await a.claimProbe(PROVIDER, 300)).toBe(false);
    expect(await b.claimProbe(PROVIDER + 1, 300)).toBe(true);
    await Bun.sleep(350);
    expect(await b.claimProbe(PROVIDER, 300)).toBe(true);
  });
});
