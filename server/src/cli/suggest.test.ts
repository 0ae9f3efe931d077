import { describe, expect, test } from "bun:test";
import { closestName, editDistance } from "./suggest.ts";

describe("editDistance", () => {
  test("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    expect(editDistance("port", "port")).toBe(0);
    expect(editDistance("prot", "port")).toBe(1);
    expect(editDistance("dbpath", "db-path")).toBe(1);
    expect(editDistance("hots", "host")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("token", "port")).toBe(4);
  });
});

describe("closestName", () => {
  const flags = ["port", "host", "db-path", "data-dir", "token", "database-url", "redis-url", "dry-run", "user"];

  test("suggests the flag one typo away", () => {
    expect(closestName("prot", flags)).toBe("port");
    expect(closestName("dry-rn", flags)).toBe("dry-run");
    expect(closestName("usr", flags)).toBe("user");
    expect(closestName("DB-PATH", flags)).toBe("db-path");
    expect(closestName("databse-url", flags)).toBe("database-url");
  });

  test("suggests the only flag the text starts", () => {
    expect(closestName("data-", flags)).toBe("data-dir");
    expect(closestName("data", flags)).toBeUndefined();
    expect(closestName("redis", flags)).toBe("redis-url");
  });

  test("suggests nothing for what resembles no flag", () => {
    expect(closestName("verbose", flags)).toBeUndefined();
    expect(closestName("x", flags)).toBeUndefined();
    expect(closestName("d", flags)).toBeUndefined();
  });

  test("suggests commands too", () => {
    const commands = ["serve", "fake-upstream", "install-service", "uninstall-service", "config", "healthcheck", "version"];
    expect(closestName("serv", commands)).toBe("serve");
    expect(closestName("instal-service", commands)).toBe("install-service");
    expect(closestName("start", commands)).toBeUndefined();
  });
});
