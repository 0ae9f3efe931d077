import { bearerToken, tokensEqual } from "./auth.ts";
import type { IpLockout } from "./ip-lockout.ts";
import { lockoutMessage } from "./lockout-message.ts";

/** A 429 carries the message for the caller: why it is locked out, for how long, until when. */
export type AdminRefusal = { status: 401 } | { status: 429; retryAfterSeconds: number; message: string };

/**
 * Whether a call may use the admin token's powers (admin API, /metrics, /health/detail):
 * undefined when it may, else why not. A locked-out IP is refused before its token is looked
 * at; a wrong token counts against the IP like a bad proxy key. A right one does not clear the
 * IP's other failures (see `IpLockout.recordSuccess`).
 */
export function adminRefusal(headers: Headers, ip: string | undefined, expectedToken: string, lockout: IpLockout): AdminRefusal | undefined {
  const now = Date.now();
  const retryAfterSeconds = ip === undefined ? undefined : lockout.retryAfterSeconds(ip, now);
  if (retryAfterSeconds !== undefined) return { status: 429, retryAfterSeconds, message: lockoutMessage(lockout, retryAfterSeconds, now) };
  const token = bearerToken(headers);
  if (token === undefined) return { status: 401 };
  if (!tokensEqual(token, expectedToken)) {
    if (ip !== undefined) lockout.recordFailure(ip, Date.now(), token);
    return { status: 401 };
  }
  if (ip !== undefined) lockout.recordSuccess(ip, Date.now(), token);
  return undefined;
}
