import { ApiError } from "./api-client.ts";
import { formatDuration, formatTime } from "./format.ts";
import { t } from "./i18n/index.ts";

/** Whether an admin API failure is the IP lockout: the admin API answers 429 for nothing else. */
export function isLockout(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 429;
}

/**
 * Why sign-in is refused and for how long: too many failed attempts from this address, the
 * wait left and the local time it ends, from the answer's Retry-After. The wait is in whole
 * minutes, rounded up, until the last one (the notice is an alert: it should not change each second).
 */
export function lockoutNotice(retryAt: number | undefined, now = Date.now()): string {
  if (retryAt === undefined) return t("login.lockedOut");
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  const wait = seconds < 60 ? seconds * 1000 : Math.ceil(seconds / 60) * 60_000;
  return t("login.lockedOutUntil", { wait: formatDuration(wait), time: formatTime(retryAt, now) });
}

/** What to show for a failed admin call: the lockout in the user's language, else the error's message. */
export function errorText(error: unknown, now = Date.now()): string {
  if (isLockout(error)) return lockoutNotice(error.retryAt, now);
  return error instanceof Error ? error.message : String(error);
}
