import { describe, expect, test } from "bun:test";
import { bearerToken, extractApiKey, tokensEqual } from "./auth.ts";
import { maskKey } from "../lib/mask-key.ts";

describe("tokensEqual", () => {
  test("matches only the identical token", () => {
    expect(tokensEqual("secret-token", "secret-token")).toBe(true);
    expect(tokensEqual("secret-token", "secret-tokem")).toBe(false);
    expect(tokensEqual("secret", "secret-token")).toBe(false);
    expect(tokensEqual("", "secret-token")).toBe(false);
  });

  test("an empty expected token never matches", () => {
    expect(tokensEqual("", "")).toBe(false);
  });
});

describe("extractApiKey", () => {
  const url = "http://localhost/v1/chat/completions";

  test("reads the headers in order: Bearer, x-api-key, x-goog-api-key", () => {
    const all = new Headers({ authorization: "Bearer from-bearer", "x-api-key": "from-x", "x-goog-api-key": "from-goog" });
    expect(extractApiKey(all, url)).toBe("from-bearer");
    expect(extractApiKey(new Headers({ "x-api-key": "from-x", "x-goog-api-key": "from-goog" }), url)).toBe("from-x");
    expect(extractApiKey(new Headers({ "x-goog-api-key": "from-goog" }), `${url}?key=from-query`)).toBe("from-goog");
  });

  test("falls back to ?key= from a string or URL", () => {
    expect(extractApiKey(new Headers(), "http://localhost/v1beta/models?key=from-query")).toBe("from-query");
    expect(extractApiKey(new Headers(), new URL("http://localhost/x?key=q2"))).toBe("q2");
  });

  test("ignores empty values and other schemes", () => {
    expect(extractApiKey(new Headers({ authorization: "Basic abc", "x-api-key": "" }), url)).toBeUndefined();
    expect(extractApiKey(new Headers({ authorization: "Bearer   " }), `${url}?key=`)).toBeUndefined();
  });

  test("the Bearer scheme is case-insensitive", () => {
    expect(bearerToken(new Headers({ authorization: "bearer  abc " }))).toBe("abc");
  });
});

describe("maskKey", () => {
  test("long keys show 3 leading and 4 trailing characters", () => {
    expect(maskKey("sk-1234567890abcd")).toBe("sk-…abcd");
    expect(maskKey("123456789")).toBe("123…6789");
  });

  test("short keys show only the last 2", () => {
    expect(maskKey("12345678")).toBe("…78");
    expect(maskKey("abc")).toBe("…bc");
  });

  test("a key is never shown whole", () => {
    expect(maskKey("ab")).toBe("…");
    expect(maskKey("")).toBe("…");
  });
});
