import { expect, test } from "bun:test";
import type { CachedAnswer } from "./cached-answer.ts";
import { Coalescer } from "./coalescer.ts";

const answer = { response: { id: "r", model: "m", content: [], finishReason: "stop" }, createdAt: 0, expiresAt: 1, savedTokens: 0, savedCost: null, currency: null } satisfies CachedAnswer;

test("the first request leads; the others wait for its answer", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("k", 1000);
  expect("lead" in first).toBe(true);
  const second = coalescer.join("k", 1000);
  const third = coalescer.join("k", 1000);
  if (!("lead" in first) || !("wait" in second) || !("wait" in third)) throw new Error("unexpected");
  first.lead.land(answer);
  expect(await second.wait).toBe(answer);
  expect(await third.wait).toBe(answer);
  expect(coalescer.inFlight).toBe(0);
  // Landed: the next request for the key leads a new flight.
  expect("lead" in coalescer.join("k", 1000)).toBe(true);
});

test("a failed leader, a wait past its time, a client gone or too many waiters: undefined, so the request goes on by itself", async () => {
  const coalescer = new Coalescer({ maxWaiters: 1 });
  const lead = coalescer.join("k", 1000);
  const waiting = coalescer.join("k", 1000);
  const tooMany = coalescer.join("k", 1000);
  if (!("lead" in lead) || !("wait" in waiting) || !("wait" in tooMany)) throw new Error("unexpected");
  expect(await tooMany.wait).toBeUndefined();
  lead.lead.land(undefined);
  expect(await waiting.wait).toBeUndefined();

  const slow = coalescer.join("slow", 1000);
  const impatient = coalescer.join("slow", 20);
  if (!("wait" in impatient)) throw new Error("unexpected");
  expect(await impatient.wait).toBeUndefined();
  const gone = new AbortController();
  const leaving = coalescer.join("slow", 1000, gone.signal);
  if (!("wait" in leaving)) throw new Error("unexpected");
  gone.abort();
  expect(await leaving.wait).toBeUndefined();
  if ("lead" in slow) slow.lead.land(answer);
});

test("landing twice changes nothing, and never ends a newer flight for the same key", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("k", 1000);
  if (!("lead" in first)) throw new Error("unexpected");
  first.lead.land(undefined);
  const second = coalescer.join("k", 1000);
  first.lead.land(answer);
  expect("lead" in second).toBe(true);
  expect(coalescer.inFlight).toBe(1);
});
