import { expect, test } from "bun:test";
import type { CachedAnswer } from "./cached-answer.ts";
import { Coalescer } from "./coalescer.ts";

const answer = { response: { id: "r", model: "m", content: [], finishReason: "stop" }, createdAt: 0, expiresAt: 1, savedTokens: 0, savedCost: null, currency: null } satisfies CachedAnswer;

test("the first request leads; the others wait for its answer", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("k", { waitMs: 1000, live: false });
  expect("lead" in first).toBe(true);
  const second = coalescer.join("k", { waitMs: 1000, live: false });
  const third = coalescer.join("k", { waitMs: 1000, live: false });
  if (!("lead" in first) || !("wait" in second) || !("wait" in third)) throw new Error("unexpected");
  first.lead.land(answer);
  expect(await second.wait).toEqual({ answer });
  expect(await third.wait).toEqual({ answer });
  expect(coalescer.inFlight).toBe(0);
  // Landed: the next request for the key leads a new flight.
  expect("lead" in coalescer.join("k", { waitMs: 1000, live: false })).toBe(true);
});

test("a failed leader, a wait past its time, a client gone or too many waiters: undefined, so the request goes on by itself", async () => {
  const coalescer = new Coalescer({ maxWaiters: 1 });
  const lead = coalescer.join("k", { waitMs: 1000, live: false });
  const waiting = coalescer.join("k", { waitMs: 1000, live: false });
  const tooMany = coalescer.join("k", { waitMs: 1000, live: false });
  if (!("lead" in lead) || !("wait" in waiting) || !("wait" in tooMany)) throw new Error("unexpected");
  expect(await tooMany.wait).toBeUndefined();
  lead.lead.land(undefined);
  expect(await waiting.wait).toBeUndefined();

  const slow = coalescer.join("slow", { waitMs: 1000, live: false });
  const impatient = coalescer.join("slow", { waitMs: 20, live: false });
  if (!("wait" in impatient)) throw new Error("unexpected");
  expect(await impatient.wait).toBeUndefined();
  const gone = new AbortController();
  const leaving = coalescer.join("slow", { waitMs: 1000, live: false, signal: gone.signal });
  if (!("wait" in leaving)) throw new Error("unexpected");
  gone.abort();
  expect(await leaving.wait).toBeUndefined();
  if ("lead" in slow) slow.lead.land(answer);
});

test("landing twice changes nothing, and never ends a newer flight for the same key", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("k", { waitMs: 1000, live: false });
  if (!("lead" in first)) throw new Error("unexpected");
  first.lead.land(undefined);
  const second = coalescer.join("k", { waitMs: 1000, live: false });
  first.lead.land(answer);
  expect("lead" in second).toBe(true);
  expect(coalescer.inFlight).toBe(1);
});

test("a streaming waiter follows the first request's events live once output starts, then the rest as they come", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("s", { waitMs: 1000, live: true });
  if (!("lead" in first)) throw new Error("unexpected");
  first.lead.publish({ type: "response-start", id: "r", model: "m" });
  const waiter = coalescer.join("s", { waitMs: 1000, live: true });
  const wholeAnswerWaiter = coalescer.join("s", { waitMs: 1000, live: false });
  if (!("wait" in waiter) || !("wait" in wholeAnswerWaiter)) throw new Error("unexpected");
  // Only preamble so far: nobody is answered yet (a failure now would still let them go on alone).
  let joined: unknown;
  void waiter.wait.then((value) => (joined = value));
  await Bun.sleep(10);
  expect(joined).toBeUndefined();
  first.lead.publish({ type: "text-start", index: 0 });
  first.lead.publish({ type: "text-delta", index: 0, text: "Hel" });
  const live = await waiter.wait;
  if (!live || !("live" in live)) throw new Error("expected a live answer");
  const reader = live.live.events().getReader();
  const seen: string[] = [];
  const reading = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) seen.push(next.value.type === "text-delta" ? next.value.text : next.value.type);
  })();
  first.lead.publish({ type: "text-delta", index: 0, text: "lo" });
  first.lead.publish({ type: "text-end", index: 0 });
  first.lead.publish({ type: "finish", finishReason: "stop" });
  first.lead.land(answer);
  await reading;
  expect(seen).toEqual(["response-start", "text-start", "Hel", "lo", "text-end", "finish"]);
  expect(await live.live.landed).toBe(answer);
  expect(await wholeAnswerWaiter.wait).toEqual({ answer });
});

test("a live stream whose first request fails after output ends with an error event; one that failed before output lets waiters go on alone", async () => {
  const coalescer = new Coalescer({ maxWaiters: 10 });
  const first = coalescer.join("f", { waitMs: 1000, live: true });
  const waiter = coalescer.join("f", { waitMs: 1000, live: true });
  if (!("lead" in first) || !("wait" in waiter)) throw new Error("unexpected");
  first.lead.publish({ type: "text-start", index: 0 });
  first.lead.publish({ type: "text-delta", index: 0, text: "partial" });
  const live = await waiter.wait;
  if (!live || !("live" in live)) throw new Error("expected a live answer");
  first.lead.land(undefined);
  const events = [];
  const reader = live.live.events().getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) events.push(next.value);
  expect(events.map((event) => event.type)).toEqual(["text-start", "text-delta", "error"]);

  const second = coalescer.join("g", { waitMs: 1000, live: true });
  const early = coalescer.join("g", { waitMs: 1000, live: true });
  if (!("lead" in second) || !("wait" in early)) throw new Error("unexpected");
  second.lead.publish({ type: "response-start", id: "r", model: "m" });
  second.lead.land(undefined);
  expect(await early.wait).toBeUndefined();
});
