/** Helpers shared by this protocol's tests (not used by the gateway itself). */
import type { CanonicalRequest } from "../../core/canonical.ts";
import type { JsonObject, SseEvent } from "../../core/wire-protocol.ts";
import { loadFixture, sseFixture as kitSseFixture } from "../test-kit/index.ts";

export function canonicalRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: "gpt-5", system: [], messages: [], tools: [], stream: true, extras: {}, ...overrides };
}

/** One of this protocol's fixtures (`text.response`, `cases.usage` …). */
export function fixture<T = JsonObject>(name: string): T[] {
  return loadFixture<T>(import.meta.dir, name);
}

/** One of this protocol's `*.stream` fixtures as the relay hands it over. */
export function sseFixture(name: string): SseEvent[] {
  return kitSseFixture(import.meta.dir, name);
}
