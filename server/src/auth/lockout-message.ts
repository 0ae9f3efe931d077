import type { IpLockout } from "./ip-lockout.ts";

/**
 * What a locked-out caller is told, on the proxy (in its protocol's error shape) and on the
 * admin API alike: why (the rule it broke), for how long, and until when (UTC), so a user whose
 * old key in some polling client locked the host out knows what happened and when it ends.
 * Starts with the same words as before ("Too many failed authentication attempts"), which
 * scripts may match on.
 */
export function lockoutMessage(lockout: Pick<IpLockout, "maxFailures" | "windowMs">, retryAfterSeconds: number, now = Date.now()): string {
  const until = new Date(now + retryAfterSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return (
    `Too many failed authentication attempts from this IP address (${lockout.maxFailures} within ${spanText(lockout.windowMs / 1000)}); ` +
    `it is locked out: try again in ${spanText(retryAfterSeconds)}, after ${until}`
  );
}

/** "45 seconds", "15 minutes" (rounded up: never promise less than the wait), "2 hours". */
export function spanText(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), "second");
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return plural(minutes, "minute");
  return plural(Math.ceil(minutes / 60), "hour");
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
