/**
 * The protocol paths the translated-path scenarios compare: a client speaking OpenAI Chat or
 * Anthropic Messages, sent straight to the fake upstream (the baseline) or through llmio to a
 * provider of the same protocol (pass-through) or of the other one (translated). llmio has an
 * OpenAI and an Anthropic provider, both on the fake upstream: a model named like the fake's
 * model string goes to the OpenAI one, the same name behind `ANTHROPIC_PREFIX` to the
 * Anthropic one. Every path gets the same JSON body (valid in both protocols) but its model.
 */
import { type Agg, type RunResult, rowsCell } from "./report.ts";
import type { StreamProtocol } from "./stream-client.ts";
import { fmt, markdownTable, ratio } from "./table.ts";
import { ANTHROPIC_PREFIX, type BenchModel, LLMIO_TOKEN, type LlmioTarget, type Target, UPSTREAM_KEY } from "./targets.ts";

export type PathId = "direct-openai" | "openai→openai" | "openai→anthropic" | "direct-anthropic" | "anthropic→anthropic" | "anthropic→openai";

export interface ProtocolPath {
  id: PathId;
  client: StreamProtocol;
  upstream: StreamProtocol;
  via: "direct" | "llmio";
  what: string;
}

/** Measured in this order every round: each client protocol's baseline, pass-through, translation. */
export const PATHS: readonly ProtocolPath[] = [
  { id: "direct-openai", client: "openai", upstream: "openai", via: "direct", what: "baseline" },
  { id: "openai→openai", client: "openai", upstream: "openai", via: "llmio", what: "pass-through" },
  { id: "openai→anthropic", client: "openai", upstream: "anthropic", via: "llmio", what: "translated" },
  { id: "direct-anthropic", client: "anthropic", upstream: "anthropic", via: "direct", what: "baseline" },
  { id: "anthropic→anthropic", client: "anthropic", upstream: "anthropic", via: "llmio", what: "pass-through" },
  { id: "anthropic→openai", client: "anthropic", upstream: "openai", via: "llmio", what: "translated" },
];

/** The public llmio models the paths need for one fake model string. */
export function pathModels(fakeModel: string): BenchModel[] {
  return [{ name: `${ANTHROPIC_PREFIX}${fakeModel}`, route: [{ provider: "anthropic", providerModel: fakeModel }] }];
}

/** The model a path names: the fake's own string, or the llmio model routed to the Anthropic provider. */
function modelFor(path: ProtocolPath, fakeModel: string): string {
  return path.via === "llmio" && path.upstream === "anthropic" ? `${ANTHROPIC_PREFIX}${fakeModel}` : fakeModel;
}

/** A chat body both protocols accept (Anthropic requires max_tokens; it is far above the answer). */
export function pathBody(path: ProtocolPath, fakeModel: string, stream: boolean): string {
  return JSON.stringify({ model: modelFor(path, fakeModel), max_tokens: 1024, ...(stream ? { stream: true } : {}), messages: [{ role: "user", content: "Say hello in one short sentence." }] });
}

/** Where a path's requests go: the endpoint of its client protocol on the fake or on llmio, with that protocol's key header. */
export function pathTarget(path: ProtocolPath, fake: Target, llmio: LlmioTarget): Target {
  const server = path.via === "direct" ? fake : llmio;
  const key = path.via === "direct" ? UPSTREAM_KEY : LLMIO_TOKEN;
  if (path.client === "openai") return { ...server, chatUrl: `${server.base}/v1/chat/completions`, headers: { Authorization: `Bearer ${key}` } };
  return { ...server, chatUrl: `${server.base}/v1/messages`, headers: { "x-api-key": key, "anthropic-version": "2023-06-01" } };
}

export interface PathScenarioResult {
  id: "paths-c32" | "paths-stream";
  title: string;
  setup: string;
  kind: "wrk" | "stream";
  /** Text chunks per stream (for CPU per chunk). */
  chunksPerStream?: number;
  runs: Array<RunResult & { path: PathId }>;
  agg: Record<PathId, Agg>;
}

/** CPU time of the measured process (llmio, or the fake for a direct path) per request, in µs. */
export function cpuUsPerRequest(a: Agg): number {
  return (a.cpu.target / 100 / a.rps) * 1e6;
}

/** The pass-through path of a client protocol: what its translated path is compared with. */
export function passThroughOf(path: ProtocolPath): ProtocolPath {
  return PATHS.find((p) => p.via === "llmio" && p.client === path.client && p.upstream === path.client)!;
}

/** Translated CPU per request ÷ pass-through CPU per request, same client protocol. */
export function translatedRatio(s: PathScenarioResult, path: ProtocolPath): number {
  return cpuUsPerRequest(s.agg[path.id]) / cpuUsPerRequest(s.agg[passThroughOf(path).id]);
}

export function renderPaths(s: PathScenarioResult): string {
  const stream = s.kind === "stream";
  const rows = PATHS.map((path) => {
    const a = s.agg[path.id];
    const direct = s.agg[path.client === "openai" ? "direct-openai" : "direct-anthropic"];
    const gateway = path.via === "llmio";
    const cpuUs = cpuUsPerRequest(a);
    const latency = stream ? [fmt(a.ttft!.p50), fmt(a.latency.p50), fmt(a.latency.p99)] : [fmt(a.latency.p50), fmt(a.latency.p99)];
    return [
      path.id,
      path.what,
      fmt(a.rps),
      ...latency,
      gateway ? ratio(a.rps / direct.rps) : "1.00×",
      gateway ? fmt(cpuUs) : `(fake ${fmt(cpuUs)})`,
      ...(stream ? [gateway && s.chunksPerStream ? fmt(cpuUs / s.chunksPerStream) : "–"] : []),
      gateway && path.what === "translated" ? ratio(translatedRatio(s, path)) : "–",
      gateway ? fmt(a.cpu.fake) : "=",
      String(a.failures),
      ...(stream ? [a.chunks ?? "–"] : []),
      fmt(a.rssPeakMb),
      gateway ? rowsCell(a) : "–",
    ];
  });
  const header = [
    "path (client→provider)",
    "kind",
    stream ? "streams/s" : "req/s",
    ...(stream ? ["TTFT p50 ms", "total p50 ms", "total p99 ms"] : ["p50 ms", "p99 ms"]),
    "vs direct",
    "llmio CPU µs/req",
    ...(stream ? ["llmio CPU µs/chunk"] : []),
    "translated ÷ pass CPU",
    "fake CPU %",
    "failures",
    ...(stream ? ["text chunks"] : []),
    "RSS peak MB",
    "log rows = sent",
  ];
  return markdownTable(header, rows);
}
