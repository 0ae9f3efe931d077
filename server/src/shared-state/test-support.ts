import { RedisClient } from "bun";
export { admitted, candidate, isLease, refused, route } from "../routing/test-support.ts";
import { scanKeys } from "../lib/scan-keys.ts";

/** Waits until `check` holds (state from another instance arrives over pub/sub), failing after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${check.toString()}`);
    await Bun.sleep(10);
  }
}

/** Deletes every key under a prefix (a test run's). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new RedisClient(url);
  try {
    await client.connect();
    const keys = await scanKeys(client, `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`);
    for (let start = 0; start < keys.length; start += 500) await client.del(...keys.slice(start, start + 500));
  } finally {
    client.close();
  }
}

/** A TCP port nothing listens on. */
export function closedPort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}
