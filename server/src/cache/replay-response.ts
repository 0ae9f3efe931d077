import type { CanonicalRequest, CanonicalResponse, StreamEvent } from "../core/canonical.ts";
import type { RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import { replayEvents } from "./replay-events.ts";

/**
 * A cached answer as the client's protocol would have carried it: one JSON body, or (for a
 * streaming client) the protocol's complete stream grammar, encoded by the same encoders a
 * translated live answer goes through.
 */
export function replayResponse(
  response: CanonicalResponse,
  protocol: WireProtocol,
  request: CanonicalRequest,
  context: RequestContext,
  stream: boolean,
  headers: Record<string, string>,
): Response {
  if (!stream) return Response.json(protocol.encodeResponse(response, request), { headers });
  const events = new ReadableStream<StreamEvent>({
    start(controller) {
      for (const event of replayEvents(response)) controller.enqueue(event);
      controller.close();
    },
  });
  const body = events.pipeThrough(protocol.encodeStream(request, context)).pipeThrough(new TextEncoderStream());
  return new Response(body, { headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}
