import { describe, expect, it } from "vitest";
import { activeFilterCount, filterFromSearch, filterToSearch, logQueryString, timeBounds, type LogFilter } from "./log-filter.ts";

const NOW = 1_700_000_000_000;
const parse = (query: string) => Object.fromEntries(new URLSearchParams(query.slice(1)));

describe("logQueryString", () => {
  it("maps a preset range to from = now − range", () => {
    expect(parse(logQueryString({ range: "1h" }, { now: NOW }))).toEqual({ pageSize: "50", from: String(NOW - 3_600_000) });
  });

  it("sends every filter, trimmed, and the keyset cursor", () => {
    const filter: LogFilter = { range: "all", model: " gpt-4o ", providerId: 3, status: "error", authKeyId: 7, traceId: " abc ", clientProtocol: "anthropic" };
    expect(parse(logQueryString(filter, { now: NOW, cursor: 12345, pageSize: 20 }))).toEqual({
      pageSize: "20",
      cursor: "12345",
      model: "gpt-4o",
      providerId: "3",
      status: "error",
      authKeyId: "7",
      traceId: "abc",
      clientProtocol: "anthropic",
    });
  });

  it("uses custom bounds as given and leaves out blanks", () => {
    expect(parse(logQueryString({ range: "custom", from: 10, to: 20, model: "  " }, { now: NOW, cursor: null }))).toEqual({ pageSize: "50", from: "10", to: "20" });
  });

  it("sends the session and reason filters", () => {
    const filter: LogFilter = { range: "all", sessionId: " 5c3b-session ", reason: "rejected" };
    expect(parse(logQueryString(filter, { now: NOW }))).toEqual({ pageSize: "50", sessionId: "5c3b-session", reason: "rejected" });
    const search = Object.fromEntries(Object.entries(filterToSearch({ ...filter, sessionId: "5c3b-session" })).filter(([, value]) => value !== undefined)) as Record<string, string>;
    expect(search).toMatchObject({ session: "5c3b-session", reason: "rejected" });
    expect(filterFromSearch(search)).toEqual({ range: "all", sessionId: "5c3b-session", reason: "rejected" });
    expect(activeFilterCount(filter)).toBe(2);
  });

  it("sends the cache filter, keeps it in the URL as cache=hit|miss, and ignores other values", () => {
    expect(parse(logQueryString({ range: "all", cacheStatus: "hit" }, { now: NOW }))).toEqual({ pageSize: "50", cacheStatus: "hit" });
    expect(filterToSearch({ range: "24h", cacheStatus: "miss" })).toMatchObject({ cache: "miss" });
    expect(filterFromSearch({ cache: "hit" })).toEqual({ range: "24h", cacheStatus: "hit" });
    expect(filterFromSearch({ cache: "stale" })).toEqual({ range: "24h" });
    expect(activeFilterCount({ range: "24h", cacheStatus: "hit" })).toBe(1);
  });

  it("has no bounds for all time", () => {
    expect(timeBounds({ range: "all" }, NOW)).toEqual({});
  });
});

describe("URL round trip", () => {
  it("survives filter → search → filter", () => {
    const filter: LogFilter = { range: "custom", from: 100, to: 200, model: "m", providerId: 2, status: "success", authKeyId: 5, traceId: "t-1", clientProtocol: "gemini" };
    const search = Object.fromEntries(Object.entries(filterToSearch(filter)).filter(([, value]) => value !== undefined)) as Record<string, string>;
    expect(filterFromSearch(search)).toEqual(filter);
  });

  it("leaves the default range out of the URL", () => {
    expect(filterToSearch({ range: "24h" }).range).toBeUndefined();
  });

  it("ignores junk", () => {
    expect(filterFromSearch({ range: "forever", provider: "abc", status: "maybe", key: "-1" })).toEqual({ range: "24h" });
  });

  it("drops custom bounds for preset ranges", () => {
    expect(filterFromSearch({ range: "7d", from: "1", to: "2" })).toEqual({ range: "7d" });
  });

  it("counts active filters beyond the range", () => {
    expect(activeFilterCount({ range: "7d" })).toBe(0);
    expect(activeFilterCount({ range: "7d", model: "m", status: "error" })).toBe(2);
  });
});
