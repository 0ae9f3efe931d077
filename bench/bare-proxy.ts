#!/usr/bin/env bun
/**
 * The floor a gateway on Bun can reach here: Bun.serve forwarding each POST to the upstream with
 * fetch and answering its body, nothing else (no auth, routing, logging or limits). The CPU probe
 * (cpu-probe.ts) runs it beside llmio, so llmio's own work per request is the difference.
 *
 *   bun bench/bare-proxy.ts --port 8081 --upstream http://127.0.0.1:8080
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, upstream: { type: "string" } } });
const upstream = values.upstream ?? "http://127.0.0.1:8080";

Bun.serve({
  port: Number(values.port ?? 8081),
  hostname: "127.0.0.1",
  async fetch(request) {
    const url = new URL(request.url);
    const answer = await fetch(`${upstream}${url.pathname}`, { method: "POST", headers: request.headers, body: await request.arrayBuffer() });
    return new Response(answer.body, { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } });
  },
});
