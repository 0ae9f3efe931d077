import { expect, test } from "bun:test";
import { cacheDirective } from "./cache-directive.ts";

test("Cache-Control and x-llmio-cache say use, refresh or bypass", () => {
  const of = (headers: Record<string, string>) => cacheDirective(new Headers(headers));
  expect(of({})).toBe("use");
  expect(of({ "cache-control": "no-store" })).toBe("bypass");
  expect(of({ "cache-control": "max-age=60, No-Store" })).toBe("bypass");
  expect(of({ "cache-control": "no-cache" })).toBe("refresh");
  expect(of({ "cache-control": "max-age = 0" })).toBe("refresh");
  expect(of({ "cache-control": "max-age=600" })).toBe("use");
  expect(of({ "x-llmio-cache": "bypass" })).toBe("bypass");
  expect(of({ "x-llmio-cache": "Refresh" })).toBe("refresh");
  expect(of({ "x-llmio-cache": "refresh", "cache-control": "no-store" })).toBe("bypass");
  expect(of({ "x-llmio-cache": "something" })).toBe("use");
});
