/**
 * The soak's traffic mix: which kinds of request it sends to llmio, in what proportion, and
 * the llmio models they need. Failing kinds go to providers of their own (targets.ts) so the
 * healthy kinds never meet an open breaker or a cool-down.
 */
import type { StreamProtocol } from "./stream-client.ts";
import { ANTHROPIC_PREFIX, type BenchModel } from "./targets.ts";

export const SOAK_CHAT_MODEL = "fake-model+words=20";
export const SOAK_STREAM_MODEL = "fake-model+words=50+token-delay=1";
/** Slow enough that the client is still reading when it aborts. */
export const SOAK_ABORT_MODEL = "fake-model+words=50+token-delay=5";

export interface SoakKind {
  id: string;
  protocol: StreamProtocol;
  model: string;
  stream: boolean;
  /** Abort the request after this many text chunks (a client that goes away mid-stream). */
  abortAfterChunks?: number;
  /** How its requests should end: `ok`, `aborted` (by the client), or an HTTP error status. */
  expect: "ok" | "aborted" | "error";
  /** What the kind exercises, for the report. */
  what: string;
  /** Requests of this kind per cycle of the mix. */
  weight: number;
}

export const SOAK_KINDS: readonly SoakKind[] = [
  { id: "chat", protocol: "openai", model: SOAK_CHAT_MODEL, stream: false, expect: "ok", what: "OpenAI chat, pass-through", weight: 5 },
  { id: "stream", protocol: "openai", model: SOAK_STREAM_MODEL, stream: true, expect: "ok", what: "OpenAI stream of 50 chunks, pass-through", weight: 3 },
  { id: "claude-chat", protocol: "anthropic", model: SOAK_CHAT_MODEL, stream: false, expect: "ok", what: "Anthropic client → OpenAI provider (translated)", weight: 2 },
  { id: "claude-stream", protocol: "anthropic", model: SOAK_STREAM_MODEL, stream: true, expect: "ok", what: "Anthropic stream → OpenAI provider (translated)", weight: 3 },
  { id: "openai-to-anthropic-stream", protocol: "openai", model: `${ANTHROPIC_PREFIX}${SOAK_STREAM_MODEL}`, stream: true, expect: "ok", what: "OpenAI stream → Anthropic provider (translated)", weight: 1 },
  { id: "error-400", protocol: "openai", model: "soak-error-400", stream: false, expect: "error", what: "upstream answers 400 (passed to the client)", weight: 1 },
  { id: "error-500", protocol: "anthropic", model: "soak-error-500", stream: true, expect: "error", what: "upstream answers 500; its breaker opens, then 503s and a probe every 30 s", weight: 1 },
  { id: "failover", protocol: "openai", model: "soak-failover", stream: true, expect: "ok", what: "first provider 429 (Retry-After: 0), retried on the second", weight: 2 },
  { id: "abort-pass", protocol: "openai", model: SOAK_ABORT_MODEL, stream: true, abortAfterChunks: 10, expect: "aborted", what: "client aborts an OpenAI stream after 10 chunks (pass-through)", weight: 1 },
  {
    id: "abort-translated",
    protocol: "anthropic",
    model: SOAK_ABORT_MODEL,
    stream: true,
    abortAfterChunks: 10,
    expect: "aborted",
    what: "client aborts an Anthropic stream after 10 chunks (translated)",
    weight: 1,
  },
];

/** The llmio models the mix names (the scenarios may create some of them too). */
export function soakModels(): BenchModel[] {
  return [
    { name: SOAK_CHAT_MODEL },
    { name: SOAK_STREAM_MODEL },
    { name: SOAK_ABORT_MODEL },
    { name: `${ANTHROPIC_PREFIX}${SOAK_STREAM_MODEL}`, route: [{ provider: "anthropic", providerModel: SOAK_STREAM_MODEL }] },
    { name: "soak-error-400", route: [{ provider: "rejecting", providerModel: "fake-model+status=400" }] },
    { name: "soak-error-500", route: [{ provider: "broken", providerModel: "fake-model+status=500" }] },
    {
      name: "soak-failover",
      route: [
        { provider: "rate-limited", providerModel: `${SOAK_STREAM_MODEL}+status=429+retry-after=0` },
        { provider: "fake", providerModel: SOAK_STREAM_MODEL },
      ],
    },
  ];
}

/** One cycle of the mix: every kind as often as its weight, interleaved. */
export function soakSchedule(): SoakKind[] {
  const schedule: SoakKind[] = [];
  const max = Math.max(...SOAK_KINDS.map((k) => k.weight));
  for (let turn = 0; turn < max; turn++) for (const kind of SOAK_KINDS) if (kind.weight > turn) schedule.push(kind);
  return schedule;
}

/** Whether an outcome of the soak client is what a kind should end with. */
export function expectedOutcome(kind: SoakKind, outcome: string): boolean {
  if (kind.expect === "error") return /^HTTP [45]\d\d$/.test(outcome);
  return outcome === kind.expect;
}
