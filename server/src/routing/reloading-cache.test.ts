import { expect, test } from "bun:test";
import { ReloadingCache } from "./reloading-cache.ts";

test("loads once for concurrent readers, keeps the value until dropped", async () => {
  let reads = 0;
  const cache = new ReloadingCache(async () => ++reads);
  expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([1, 1, 1]);
  expect(await cache.get()).toBe(1);
  cache.drop();
  expect(cache.peek()).toBeUndefined();
  expect(await cache.get()).toBe(2);
  expect(cache.revision).toBe(1);
});

test("a load overtaken by a drop is not kept", async () => {
  let release!: () => void;
  let reads = 0;
  const cache = new ReloadingCache(async () => {
    const read = ++reads;
    if (read === 1) await new Promise<void>((resolve) => (release = resolve));
    return read;
  });
  const stale = cache.get();
  cache.drop();
  expect(await cache.get()).toBe(2);
  release();
  expect(await stale).toBe(1);
  expect(cache.peek()).toBe(2);
});

test("another writer's change drops the value; a failed load is retried by the next reader", async () => {
  let changed = false;
  let fail = true;
  const cache = new ReloadingCache(async () => {
    if (fail) throw new Error("database away");
    return "loaded";
  }, () => changed);
  expect(cache.get()).rejects.toThrow("database away");
  fail = false;
  await Bun.sleep(0);
  expect(await cache.get()).toBe("loaded");
  changed = true;
  const revision = cache.revision;
  expect(await cache.get()).toBe("loaded");
  expect(cache.revision).toBe(revision + 1);
});
