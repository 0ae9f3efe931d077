import type { CanonicalRequest, StreamEvent } from "../core/canonical.ts";
import type { Usage } from "../core/usage.ts";
import type { RequestContext, RequestPeek, SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import type { ModelRoute } from "../routing/catalog.ts";
import { estimateUsage } from "./estimate-usage.ts";

/** What every attempt of one chat request shares: the client's side of the exchange. */
export interface Exchange {
  /** The wire protocol the client speaks. */
  protocol: WireProtocol;
  context: RequestContext;
  peek: RequestPeek;
  /** The client's request in the canonical model, decoded on first use (only translation needs it). */
  decoded(): CanonicalRequest;
  traceId: string;
  route: ModelRoute;
  /** Epoch ms by which output must have started. */
  deadline: number;
  /** The answer as it went out, kept only while body capture is on. */
  capture?: { response: string };
  /** Ms since the client's request arrived. */
  elapsed(): number;
  /** Its trace span records: worth decoding what it reports (a passed-through answer's model and finish reason). */
  traced: boolean;
}

/** A local estimate, or none when the request cannot be decoded (the log then shows zero tokens). */
export async function estimateSafely(request: () => CanonicalRequest, output: () => Promise<string>): Promise<Usage | undefined> {
  try {
    return await estimateUsage(request(), await output());
  } catch {
    return undefined;
  }
}

/** The text a list of stream events carried, decoded with the upstream's own decoder. */
export async function textOfEvents(events: SseEvent[], upstream: WireProtocol): Promise<string> {
  let text = "";
  const source = new ReadableStream<SseEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event);
      controller.close();
    },
  });
  const reader = source.pipeThrough(upstream.decodeStream()).getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += outputOf(next.value);
  } catch {}
  return text;
}

/** The text (or tool-call arguments) a stream event adds to the answer. */
export function outputOf(event: StreamEvent): string {
  if (event.type === "text-delta" || event.type === "reasoning-delta") return event.text;
  if (event.type === "tool-input-delta") return event.delta;
  return "";
}
