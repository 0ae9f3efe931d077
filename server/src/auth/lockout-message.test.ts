import { describe, expect, test } from "bun:test";
import { IpLockout } from "./ip-lockout.ts";
import { lockoutMessage, spanText } from "./lockout-message.ts";

describe("lockoutMessage", () => {
  test("says why (the rule), for how long and until when (UTC)", () => {
    const now = Date.UTC(2026, 5, 12, 14, 0, 0, 250);
    expect(lockoutMessage(new IpLockout(), 900, now)).toBe(
      "Too many failed authentication attempts from this IP address (10 within 5 minutes); it is locked out: try again in 15 minutes, after 2026-06-12T14:15:00Z",
    );
  });

  test("follows the configured rule", () => {
    const lockout = new IpLockout({ maxFailures: 3, windowMs: 30_000 });
    expect(lockoutMessage(lockout, 42, Date.UTC(2026, 0, 1))).toBe(
      "Too many failed authentication attempts from this IP address (3 within 30 seconds); it is locked out: try again in 42 seconds, after 2026-01-01T00:00:42Z",
    );
  });
});

describe("spanText", () => {
  test("rounds up, never promising less than the wait", () => {
    expect(spanText(1)).toBe("1 second");
    expect(spanText(59)).toBe("59 seconds");
    expect(spanText(60)).toBe("1 minute");
    expect(spanText(61)).toBe("2 minutes");
    expect(spanText(119 * 60)).toBe("119 minutes");
    expect(spanText(2 * 3600)).toBe("2 hours");
    expect(spanText(2 * 3600 + 1)).toBe("3 hours");
  });
});
