import { describe, expect, test } from "bun:test";
import { WaitQueue } from "./wait-queue.ts";

const FAR = () => Date.now() + 5_000;

describe("WaitQueue", () => {
  test("wakeOne wakes the longest-waiting request first", async () => {
    const queue = new WaitQueue();
    const woken: string[] = [];
    const a = queue.wait(FAR(), 5_000).then((again) => woken.push(`a:${again}`));
    const b = queue.wait(FAR(), 5_000).then((again) => woken.push(`b:${again}`));
    const c = queue.wait(FAR(), 5_000).then((again) => woken.push(`c:${again}`));
    expect(queue.length).toBe(3);
    queue.wakeOne();
    await a;
    expect(woken).toEqual(["a:true"]);
    expect(queue.length).toBe(2);
    queue.wakeOne();
    await b;
    expect(woken).toEqual(["a:true", "b:true"]);
    queue.wakeOne();
    await c;
    expect(woken).toEqual(["a:true", "b:true", "c:true"]);
    expect(queue.length).toBe(0);
    queue.wakeOne(); // nobody waiting: no-op
  });

  test("wakeAll wakes everyone", async () => {
    const queue = new WaitQueue();
    const waits = [queue.wait(FAR(), 5_000), queue.wait(FAR(), 5_000)];
    queue.wakeAll();
    expect(await Promise.all(waits)).toEqual([true, true]);
    expect(queue.length).toBe(0);
  });

  test("resolves true after retryInMs when the deadline is further away", async () => {
    const queue = new WaitQueue();
    const started = Date.now();
    expect(await queue.wait(Date.now() + 1_000, 10)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(queue.length).toBe(0);
  });

  test("resolves false when the deadline comes before the retry", async () => {
    const queue = new WaitQueue();
    const started = Date.now();
    expect(await queue.wait(Date.now() + 15, 5_000)).toBe(false);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(10);
    expect(elapsed).toBeLessThan(500);
    expect(queue.length).toBe(0);
  });

  test("a deadline already passed resolves false at once", async () => {
    const queue = new WaitQueue();
    expect(await queue.wait(Date.now() - 1, 1_000)).toBe(false);
  });

  test("an abort resolves false and leaves the queue", async () => {
    const queue = new WaitQueue();
    const controller = new AbortController();
    const waiting = queue.wait(FAR(), 5_000, controller.signal);
    const other = queue.wait(FAR(), 5_000);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(queue.length).toBe(1);
    // The aborted one is gone: the next wake goes to the other waiter.
    queue.wakeOne();
    expect(await other).toBe(true);
  });

  test("an already-aborted signal resolves false at once", async () => {
    const queue = new WaitQueue();
    const started = Date.now();
    expect(await queue.wait(Date.now() + 1_000, 200, AbortSignal.abort())).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
    expect(queue.length).toBe(0);
  });

  test("a full queue refuses at once", async () => {
    const queue = new WaitQueue(2);
    const first = queue.wait(FAR(), 5_000);
    const second = queue.wait(FAR(), 5_000);
    expect(await queue.wait(FAR(), 5_000)).toBe(false);
    expect(queue.length).toBe(2);
    queue.wakeAll();
    expect(await Promise.all([first, second])).toEqual([true, true]);
  });
});
