import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "./api-client.ts";
import { setLocale } from "./i18n/index.ts";
import { errorText, isLockout, lockoutNotice } from "./lockout.ts";

afterEach(() => setLocale("en"));

describe("lockoutNotice", () => {
  const now = new Date(2026, 5, 12, 14, 0, 0).getTime();

  it("says why and for how long, and until when in local time", () => {
    setLocale("en");
    const text = lockoutNotice(now + 14 * 60_000 + 30_000, now);
    expect(text).toContain("Too many failed sign-in attempts from this address");
    expect(text).toContain("for 15 min more");
    expect(text).toContain("14:14:30");
  });

  it("in Chinese too", () => {
    setLocale("zh");
    const text = lockoutNotice(now + 42_000, now);
    expect(text).toContain("42 s");
    expect(text).toContain("14:00:42");
    expect(text).toMatch(/[\u4e00-\u9fff]/);
  });

  it("without a Retry-After it still says why", () => {
    setLocale("en");
    expect(lockoutNotice(undefined, now)).toContain("Too many failed");
  });
});

describe("isLockout", () => {
  it("is a 429 of the admin API", () => {
    expect(isLockout(new ApiError(429, "locked", Date.now() + 1000))).toBe(true);
    expect(isLockout(new ApiError(401, "no"))).toBe(false);
    expect(isLockout(new Error("x"))).toBe(false);
  });
});

describe("errorText", () => {
  it("puts a lockout in the user's words, other errors as they are", () => {
    setLocale("en");
    const now = new Date(2026, 5, 12, 14, 0, 0).getTime();
    expect(errorText(new ApiError(429, "Too many failed authentication attempts …", now + 90_000), now)).toContain("for 2 min more, until 14:01:30");
    expect(errorText(new ApiError(400, "Invalid body"), now)).toBe("Invalid body");
    expect(errorText("plain", now)).toBe("plain");
  });
});
