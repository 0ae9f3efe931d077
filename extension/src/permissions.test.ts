import { describe, expect, test } from "vitest";
import { isLoopback, originPattern, prefixPattern } from "./permissions.ts";

describe("host patterns", () => {
  test("Chrome keeps the port; Firefox patterns cannot have one", () => {
    expect(originPattern("http://gw.lan:7070/v1", true)).toBe("http://gw.lan:7070/*");
    expect(originPattern("http://gw.lan:7070/v1", false)).toBe("http://gw.lan/*");
    expect(prefixPattern("http://127.0.0.1:3000/nextchat/", true)).toBe("http://127.0.0.1:3000/nextchat/*");
    expect(prefixPattern("https://chat.example.com", false)).toBe("https://chat.example.com/*");
  });

  test("only http loopback is covered by the install-time permission", () => {
    expect(isLoopback("http://127.0.0.1:7070")).toBe(true);
    expect(isLoopback("http://localhost:3000/x")).toBe(true);
    expect(isLoopback("https://localhost")).toBe(false);
    expect(isLoopback("http://192.168.1.2:7070")).toBe(false);
  });
});
