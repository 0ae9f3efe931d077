#!/usr/bin/env bun
/**
 * The tracing scenario's collector: an OTLP/HTTP trace sink on loopback. It takes
 * `POST /v1/traces`, answers 200 with an empty protobuf body (an empty
 * ExportTraceServiceResponse: all spans accepted) and counts what arrived: export requests
 * (span batches), body bytes, and spans (a walk of the protobuf wire format down to the
 * Span messages; nothing is decoded further). `GET /stats` returns the counts as JSON.
 *
 *   bun bench/otlp-sink.ts --port 4318
 */
import { parseArgs } from "node:util";

export interface SinkStats {
  /** Export requests received (one per span batch the exporter sent). */
  batches: number;
  /** Request body bytes as sent (before any gunzip). */
  bytes: number;
  spans: number;
  /** Bodies that could not be walked as an ExportTraceServiceRequest. */
  malformed: number;
}

const EMPTY_RESPONSE = new Uint8Array(0);

/** Counts the Span messages in an ExportTraceServiceRequest (resource_spans=1 → scope_spans=2 → spans=2). */
export function countSpans(bytes: Uint8Array): number {
  let spans = 0;
  for (const resource of fields(bytes, 0, bytes.length, 1)) {
    for (const scope of fields(bytes, resource.start, resource.end, 2)) spans += [...fields(bytes, scope.start, scope.end, 2)].length;
  }
  return spans;
}

/** The length-delimited fields numbered `wanted` between `start` and `end`; throws on a malformed message. */
function* fields(bytes: Uint8Array, start: number, end: number, wanted: number): Generator<{ start: number; end: number }> {
  let at = start;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= end || shift > 63) throw new Error("truncated varint");
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < end) {
    const key = varint();
    const wireType = key & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (at + length > end) throw new Error("field overruns its message");
      if (Math.floor(key / 8) === wanted) yield { start: at, end: at + length };
      at += length;
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
}

/** The spans of an OTLP/HTTP JSON body (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
function countJsonSpans(bytes: Uint8Array): number {
  const body = JSON.parse(new TextDecoder().decode(bytes)) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  let spans = 0;
  for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
  return spans;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "4318" }, host: { type: "string", default: "127.0.0.1" } } });
  const stats: SinkStats = { batches: 0, bytes: 0, spans: 0, malformed: 0 };
  const server = Bun.serve({
    hostname: values.host,
    port: Number(values.port),
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (request.method === "GET" && pathname === "/stats") return Response.json(stats);
      if (request.method !== "POST" || pathname !== "/v1/traces") return new Response(null, { status: 404 });
      const body = new Uint8Array(await request.arrayBuffer());
      stats.batches++;
      stats.bytes += body.length;
      try {
        const bytes = request.headers.get("content-encoding") === "gzip" ? Bun.gunzipSync(body) : body;
        stats.spans += request.headers.get("content-type")?.startsWith("application/json") ? countJsonSpans(bytes) : countSpans(bytes);
      } catch {
        stats.malformed++;
      }
      return new Response(EMPTY_RESPONSE, { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  console.log(`otlp sink on http://${server.hostname}:${server.port}/v1/traces`);
}
