#!/usr/bin/env bun
/**
 * The floor a gateway on Bun can reach here: Bun.serve forwarding each POST to the upstream with
 * fetch and answering its body, nothing else (no auth, routing, logging or limits). The CPU probe
 * (cpu-probe.ts) runs it beside llmio, so llmio's own work per request is the difference.
 *
 * With --observe the answer's bytes pass through JavaScript (a reader on the upstream body and
 * a pull stream to the client), as any gateway that looks at a stream must do: the floor for
 * memory per held stream once the bytes are observed (stream-memory-probe.ts).
 *
 *   bun bench/bare-proxy.ts --port 8081 --upstream http://127.0.0.1:8080 [--observe]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, upstream: { type: "string" }, observe: { type: "boolean", default: false } } });
const upstream = values.upstream ?? "http://127.0.0.1:8080";

/** The upstream body re-read chunk by chunk in JavaScript instead of handed to the server natively. */
function observed(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

Bun.serve({
  port: Number(values.port ?? 8081),
  hostname: "127.0.0.1",
  async fetch(request) {
    const url = new URL(request.url);
    const answer = await fetch(`${upstream}${url.pathname}`, { method: "POST", headers: request.headers, body: await request.arrayBuffer() });
    const body = values.observe && answer.body ? observed(answer.body) : answer.body;
    return new Response(body, { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } });
  },
});
