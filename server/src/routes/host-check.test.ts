import { describe, expect, test } from "bun:test";
import { hostChecker, isLoopbackName } from "./host-check.ts";

describe("hostChecker", () => {
  test("bound to every interface without an allow-list: any name is served (no check at all)", () => {
    for (const boundHost of ["0.0.0.0", "::", ""]) expect(hostChecker({ boundHost })).toBeUndefined();
  });

  test("an allow-list of `*` serves any name, whatever the bind", () => {
    expect(hostChecker({ boundHost: "127.0.0.1", allowedHosts: ["*"] })).toBeUndefined();
  });

  test("bound to loopback: loopback names and the bound address only", () => {
    const allowed = hostChecker({ boundHost: "127.0.0.1" })!;
    for (const name of ["127.0.0.1", "127.8.9.10", "localhost", "LocalHost", "app.localhost", "[::1]", "localhost."]) expect({ name, ok: allowed(name) }).toEqual({ name, ok: true });
    for (const name of ["attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example", "192.168.1.2", "0.0.0.0"]) {
      expect({ name, ok: allowed(name) }).toEqual({ name, ok: false });
    }
  });

  test("bound to one address: that address (IPv6 in brackets too) besides loopback", () => {
    expect(hostChecker({ boundHost: "10.1.2.3" })!("10.1.2.3")).toBe(true);
    expect(hostChecker({ boundHost: "10.1.2.3" })!("gateway.lan")).toBe(false);
    expect(hostChecker({ boundHost: "fd00::5" })!("[fd00::5]")).toBe(true);
  });

  test("an allow-list: exact names and `*.suffix` wildcards, case-insensitive, on any bind", () => {
    const allowed = hostChecker({ boundHost: "0.0.0.0", allowedHosts: ["llm.example.com", "*.corp.example"] })!;
    expect(allowed("LLM.Example.com")).toBe(true);
    expect(allowed("a.b.corp.example")).toBe(true);
    expect(allowed("corp.example")).toBe(false);
    expect(allowed("evilcorp.example")).toBe(false);
    expect(allowed("localhost")).toBe(true);
    expect(allowed("other.example.com")).toBe(false);
  });
});

test("isLoopbackName", () => {
  expect(isLoopbackName("127.0.0.1")).toBe(true);
  expect(isLoopbackName("[::ffff:7f00:1]")).toBe(true);
  expect(isLoopbackName("128.0.0.1")).toBe(false);
  expect(isLoopbackName("127.0.0.1.nip.io")).toBe(false);
});
