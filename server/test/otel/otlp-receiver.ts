import protobuf from "protobufjs";

/** One span as an OTLP/HTTP receiver decoded it (ids in hex, attribute values unwrapped). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2 SERVER, 3 CLIENT. */
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code?: number; message?: string };
  service: unknown;
  /** Headers of the export request that carried it. */
  headers: Record<string, string>;
}

interface ProtoKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

const root = protobuf.parse(await Bun.file(new URL("./otlp-subset.proto", import.meta.url)).text()).root;
const ExportRequest = root.lookupType("otlp.ExportTraceServiceRequest");
const hex = (base64: string | undefined) => Buffer.from(base64 ?? "", "base64").toString("hex");

function valueOf(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ("intValue" in value) return Number(value.intValue);
  if ("arrayValue" in value) return ((value.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(valueOf);
  return Object.values(value)[0];
}

const attributesOf = (list: ProtoKeyValue[] | undefined) => Object.fromEntries((list ?? []).map((entry) => [entry.key, valueOf(entry.value)]));

/**
 * A real OTLP/HTTP trace receiver on 127.0.0.1: accepts POST /v1/traces in protobuf (what the
 * gateway's exporter sends), decodes every span and keeps it.
 */
export function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/traces") return new Response(null, { status: 404 });
      let bytes = new Uint8Array(await request.arrayBuffer());
      if (request.headers.get("content-encoding") === "gzip") bytes = Bun.gunzipSync(bytes);
      const body = ExportRequest.toObject(ExportRequest.decode(bytes), { longs: String, enums: Number, bytes: String }) as {
        resourceSpans?: Array<{ resource?: { attributes?: ProtoKeyValue[] }; scopeSpans?: Array<{ spans?: Array<Record<string, any>> }> }>;
      };
      const headers = Object.fromEntries(request.headers.entries());
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = attributesOf(resourceSpans.resource?.attributes)["service.name"];
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              traceId: hex(span.traceId),
              spanId: hex(span.spanId),
              parentSpanId: hex(span.parentSpanId),
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((event: { name: string; attributes?: ProtoKeyValue[] }) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
              status: span.status ?? {},
              service,
              headers,
            });
          }
        }
      }
      return new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, spans, stop: () => server.stop(true) };
}
