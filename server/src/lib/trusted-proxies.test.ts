import { describe, expect, test } from "bun:test";
import { parseAddress, TrustedProxies } from "./trusted-proxies.ts";

const headers = (values: Record<string, string>) => new Headers(values);

describe("CIDR matching", () => {
  const trusted = TrustedProxies.parse("127.0.0.1/32, 10.0.0.0/8,172.16.0.0/12,::1/128,fd00::/8,192.168.1.7");

  test("IPv4 networks and single hosts", () => {
    expect(trusted.contains("127.0.0.1")).toBe(true);
    expect(trusted.contains("127.0.0.2")).toBe(false);
    expect(trusted.contains("10.255.3.4")).toBe(true);
    expect(trusted.contains("11.0.0.1")).toBe(false);
    expect(trusted.contains("172.31.255.255")).toBe(true);
    expect(trusted.contains("172.32.0.1")).toBe(false);
    expect(trusted.contains("192.168.1.7")).toBe(true);
    expect(trusted.contains("192.168.1.8")).toBe(false);
  });

  test("IPv6 networks, and IPv4-mapped IPv6 matched as IPv4", () => {
    expect(trusted.contains("::1")).toBe(true);
    expect(trusted.contains("0:0:0:0:0:0:0:1")).toBe(true);
    expect(trusted.contains("::2")).toBe(false);
    expect(trusted.contains("fd12:3456::1")).toBe(true);
    expect(trusted.contains("fe80::1")).toBe(false);
    expect(trusted.contains("::ffff:127.0.0.1")).toBe(true);
    expect(trusted.contains("::ffff:8.8.8.8")).toBe(false);
    // An IPv4 network never matches a (non-mapped) IPv6 address of the same bytes.
    expect(TrustedProxies.parse("0.0.0.0/0").contains("::1")).toBe(false);
    expect(TrustedProxies.parse("::/0").contains("1.2.3.4")).toBe(false);
  });

  test("prefix lengths that do not fall on a byte", () => {
    const odd = TrustedProxies.parse("100.64.0.0/10,2001:db8:8000::/33");
    expect(odd.contains("100.127.255.255")).toBe(true);
    expect(odd.contains("100.128.0.0")).toBe(false);
    expect(odd.contains("2001:db8:ffff::1")).toBe(true);
    expect(odd.contains("2001:db8:7fff::1")).toBe(false);
  });

  test("a malformed entry is refused, naming it; garbage addresses never match", () => {
    for (const bad of ["10.0.0.0/33", "::1/129", "300.1.1.1", "10.0.0/8", "fe80:::1", "localhost", "1.2.3.4/x"]) {
      expect(() => TrustedProxies.parse(`127.0.0.1/32,${bad}`)).toThrow(bad);
    }
    expect(trusted.contains("not-an-ip")).toBe(false);
    expect(parseAddress("1:2:3:4:5:6:7:8:9")).toBeUndefined();
    expect(parseAddress("::ffff:1.2.3.4")).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(TrustedProxies.parse(" , ").size).toBe(0);
  });
});

describe("walking X-Forwarded-For", () => {
  const trusted = TrustedProxies.parse("127.0.0.1/32,10.0.0.0/8,::1/128");

  test("an untrusted peer's headers are ignored", () => {
    expect(trusted.clientAddress("203.0.113.9", headers({ "x-forwarded-for": "198.51.100.1", "x-real-ip": "198.51.100.2" }))).toBe("203.0.113.9");
    expect(TrustedProxies.none.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "198.51.100.1" }))).toBe("127.0.0.1");
    expect(trusted.clientAddress(undefined, headers({ "x-forwarded-for": "198.51.100.1" }))).toBeUndefined();
  });

  test("the right-most untrusted hop is the client; forged entries left of it are not", () => {
    // The client forged "1.1.1.1"; the edge proxy appended the real address, an inner proxy its own.
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "1.1.1.1, 198.51.100.7, 10.1.2.3" }))).toBe("198.51.100.7");
    expect(trusted.clientAddress("::1", headers({ "x-forwarded-for": "2001:db8::5" }))).toBe("2001:db8::5");
    expect(trusted.clientAddress("::ffff:127.0.0.1", headers({ "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
  });

  test("several header lines form one chain; ports and brackets are dropped", () => {
    const many = new Headers();
    many.append("x-forwarded-for", "1.1.1.1");
    many.append("x-forwarded-for", "198.51.100.7:53211, [2001:db8::9]:443");
    expect(trusted.clientAddress("127.0.0.1", many)).toBe("2001:db8::9");
  });

  test("every hop trusted: the left-most; a malformed hop stops at the last good one", () => {
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "10.0.0.5, 10.0.0.6" }))).toBe("10.0.0.5");
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "198.51.100.7, garbage, 10.0.0.6" }))).toBe("10.0.0.6");
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "garbage" }))).toBe("127.0.0.1");
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "" }))).toBe("127.0.0.1");
  });

  test("X-Real-IP when there is no X-Forwarded-For, if it is an address", () => {
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-real-ip": "198.51.100.8" }))).toBe("198.51.100.8");
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-real-ip": "<script>" }))).toBe("127.0.0.1");
    expect(trusted.clientAddress("127.0.0.1", headers({ "x-forwarded-for": "198.51.100.7", "x-real-ip": "198.51.100.8" }))).toBe("198.51.100.7");
  });
});
