/**
 * The quota ledger's contract, part of the shared-state contract suite: in-process (one
 * instance: A and B are the same ledger) and Redis (A and B are two instances: two connections,
 * one key prefix). The Redis cases need LLMIO_TEST_REDIS_URL.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { connectSharedState, memorySharedState, type SharedState } from "../shared-state/index.ts";
import type { QuotaAdmission, QuotaClaim, QuotaLease, QuotaLedger, QuotaLimits, QuotaSnapshot, QuotaUsage } from "./quota-ledger.ts";
import { deleteKeys } from "../shared-state/test-support.ts";

const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
if (!redisUrl) console.error("quota ledger contract: Redis cases skipped (set LLMIO_TEST_REDIS_URL to run them)");
const runPrefix = `llmio-test:${process.pid}-${crypto.randomUUID().slice(0, 8)}:`;

interface Implementation {
  name: string;
  skip: boolean;
  pair(options?: { leaseTtlMs?: number }): Promise<{ a: SharedState; b: SharedState; separate: boolean }>;
}

const opened: SharedState[] = [];
let pairs = 0;

const implementations: Implementation[] = [
  {
    name: "memory",
    skip: false,
    async pair() {
      const one = memorySharedState();
      opened.push(one);
      return { a: one, b: one, separate: false };
    },
  },
  {
    name: "redis",
    skip: !redisUrl,
    async pair(options = {}) {
      const prefix = `${runPrefix}${++pairs}:`;
      const connect = async () => {
        const state = await connectSharedState(redisUrl, { prefix, leaseTtlMs: options.leaseTtlMs });
        opened.push(state);
        return state;
      };
      return { a: await connect(), b: await connect(), separate: true };
    },
  },
];

afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

afterAll(async () => {
  if (redisUrl) await deleteKeys(redisUrl, runPrefix);
});

const KEY = 7;
const NONE: QuotaUsage = { requests: 0, tokens: 0 };

/** A key's usage as an instance loaded it: `used` from the database, with the ledger's snapshot taken before. */
async function loaded(ledger: QuotaLedger, used: QuotaUsage = NONE): Promise<{ used: QuotaUsage; snapshot: QuotaSnapshot }> {
  const snapshot = await ledger.snapshot();
  if (!snapshot) throw new Error("no snapshot");
  return { used, snapshot };
}

function claim(limits: Partial<QuotaLimits>, view: { used: QuotaUsage; snapshot: QuotaSnapshot }, tokens = 0): QuotaClaim {
  return { keyId: KEY, limits: { requests: null, tokens: null, ...limits }, tokens, used: view.used, loaded: view };
}

function leaseOf(admission: QuotaAdmission): QuotaLease {
  if (!admission.admitted) throw new Error(`expected admission, got ${JSON.stringify(admission)}`);
  return admission.lease;
}

function reasonOf(admission: QuotaAdmission): string {
  return admission.admitted ? "admitted" : admission.reason;
}

/** Settles reach Redis asynchronously. */
async function eventually(check: () => Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await Bun.sleep(10);
  }
}

for (const implementation of implementations) {
  describe.skipIf(implementation.skip)(`quota ledger contract (${implementation.name})`, () => {
    test("100 concurrent admissions on two instances against a request quota of 10: exactly 10", async () => {
      const { a, b } = await implementation.pair();
      const views = [await loaded(a.quotas), await loaded(b.quotas)];
      const admissions = await Promise.all(
        Array.from({ length: 100 }, (_, index) => {
          const on = index % 2 === 0 ? 0 : 1;
          return (on === 0 ? a : b).quotas.admit(claim({ requests: 10 }, views[on]));
        }),
      );
      expect(admissions.filter((admission) => admission.admitted)).toHaveLength(10);
      expect(admissions.filter((admission) => reasonOf(admission) === "in-flight")).toHaveLength(90);
    });

    test("a lease settled without cost gives its unit back; one with cost turns into usage, seen by the other instance at once", async () => {
      const { a, b } = await implementation.pair();
      const viewA = await loaded(a.quotas, { requests: 8, tokens: 0 });
      const viewB = await loaded(b.quotas, { requests: 8, tokens: 0 });
      const first = leaseOf(await a.quotas.admit(claim({ requests: 10 }, viewA)));
      const second = leaseOf(await b.quotas.admit(claim({ requests: 10 }, viewB)));
      expect(reasonOf(await a.quotas.admit(claim({ requests: 10 }, viewA)))).toBe("in-flight");

      first.settle(NONE);
      let third: QuotaAdmission | undefined;
      await eventually(async () => {
        third = await b.quotas.admit(claim({ requests: 10 }, viewB));
        return third.admitted;
      });
      second.settle({ requests: 1, tokens: 40 });
      // A's view (loaded before) still says 8 used: the ledger adds what B settled since.
      await eventually(async () => {
        const refused = await a.quotas.admit(claim({ requests: 10 }, viewA));
        return !refused.admitted && refused.reason === "in-flight" && refused.used.requests === 9;
      });
      leaseOf(third!).settle(NONE);
      let fourth: QuotaAdmission | undefined;
      await eventually(async () => {
        fourth = await a.quotas.admit(claim({ requests: 10 }, viewA));
        return fourth.admitted;
      });
      leaseOf(fourth!).settle({ requests: 1, tokens: 0 });
      await eventually(async () => reasonOf(await b.quotas.admit(claim({ requests: 10 }, viewB))) === "used-up");
    });

    test("used up: refused as such, with the counts", async () => {
      const { a, b } = await implementation.pair();
      const view = await loaded(a.quotas, { requests: 10, tokens: 0 });
      const refused = await b.quotas.admit(claim({ requests: 10 }, view));
      expect(refused).toMatchObject({ admitted: false, reason: "used-up", used: { requests: 10 } });
    });

    test("tokens: calls run together while their reservations fit; the last one runs alone", async () => {
      const { a, b } = await implementation.pair();
      const limits = { tokens: 1_000 };
      const viewA = await loaded(a.quotas, { requests: 0, tokens: 500 });
      const viewB = await loaded(b.quotas, { requests: 0, tokens: 500 });
      const first = leaseOf(await a.quotas.admit(claim(limits, viewA, 300)));
      // 500 used + 300 reserved + 300 > 1,000 while another call is in flight: refused.
      const refused = await b.quotas.admit(claim(limits, viewB, 300));
      expect(refused).toMatchObject({ admitted: false, reason: "in-flight", used: { tokens: 500 }, reserved: { requests: 1, tokens: 300 } });
      // 200 fits beside it.
      const second = leaseOf(await b.quotas.admit(claim(limits, viewB, 200)));
      first.settle({ requests: 1, tokens: 250 });
      second.settle({ requests: 1, tokens: 150 });
      // 900 used, nothing in flight: a 300-token call is admitted alone (the last one) …
      let last: QuotaAdmission | undefined;
      await eventually(async () => {
        last = await a.quotas.admit(claim(limits, viewA, 300));
        return last.admitted;
      });
      // … and nothing beside it.
      expect(reasonOf(await b.quotas.admit(claim(limits, viewB, 1)))).toBe("in-flight");
      leaseOf(last!).settle({ requests: 1, tokens: 280 });
      await eventually(async () => reasonOf(await b.quotas.admit(claim(limits, viewB, 1))) === "used-up");
    });

    test("a snapshot of totals since lost is refused as stale", async () => {
      const { b } = await implementation.pair();
      const view = { used: NONE, snapshot: { epoch: "lost", totals: new Map() } };
      expect(reasonOf(await b.quotas.admit(claim({ requests: 10 }, view)))).toBe("stale");
    });

    test.skipIf(implementation.name !== "redis")("the leases of a crashed instance lapse after their time to live", async () => {
      const { a, b } = await implementation.pair({ leaseTtlMs: 300 });
      const view = await loaded(a.quotas);
      leaseOf(await a.quotas.admit(claim({ requests: 1 }, view)));
      expect(reasonOf(await b.quotas.admit(claim({ requests: 1 }, view)))).toBe("in-flight");
      // A crashes: its connection closes, nobody renews its lease.
      await a.close();
      await eventually(async () => (await b.quotas.admit(claim({ requests: 1 }, view))).admitted, 3_000);
    });

    test.skipIf(implementation.name !== "redis")("a running call's lease is renewed past its time to live", async () => {
      const { a, b } = await implementation.pair({ leaseTtlMs: 300 });
      const view = await loaded(a.quotas);
      const lease = leaseOf(await a.quotas.admit(claim({ requests: 1 }, view)));
      await Bun.sleep(900);
      expect(reasonOf(await b.quotas.admit(claim({ requests: 1 }, view)))).toBe("in-flight");
      lease.settle(NONE);
      await eventually(async () => (await b.quotas.admit(claim({ requests: 1 }, view))).admitted);
    });
  });
}
