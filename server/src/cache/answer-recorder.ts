import { createParser } from "eventsource-parser";
import type { CanonicalRequest, CanonicalResponse, StreamEvent } from "../core/canonical.ts";
import type { SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import { collectResponse } from "./collect-response.ts";

/** A recorded stream larger than this is not cached (and not read twice). */
const MAX_RECORDED_CHARS = 8 * 1024 * 1024;

/**
 * Wraps the answer going to the client so that, once it has gone out whole, the complete answer
 * is known in canonical form: decoded from the client's own protocol, whichever path (passed
 * through or translated) produced it. `recorded` is called once: with the answer, or with
 * undefined when it was an error, was cut (client gone, upstream failed mid-stream) or too large.
 */
export async function recordAnswer(
  answer: Response,
  protocol: WireProtocol,
  request: () => CanonicalRequest,
  recorded: (response: CanonicalResponse | undefined) => void,
): Promise<Response> {
  if (!answer.body || answer.status !== 200) {
    recorded(undefined);
    return answer;
  }
  if (!answer.headers.get("content-type")?.includes("text/event-stream")) {
    const text = await answer.text();
    recorded(decodeBody(text, protocol, request));
    return new Response(text, { status: answer.status, headers: answer.headers });
  }
  return new Response(recordStream(answer.body, protocol, request, recorded), { status: answer.status, headers: answer.headers });
}

function decodeBody(text: string, protocol: WireProtocol, request: () => CanonicalRequest): CanonicalResponse | undefined {
  try {
    const json = JSON.parse(text);
    if (protocol.errorInResponse(json)) return undefined;
    return protocol.decodeResponse(json, request());
  } catch {
    return undefined;
  }
}

function recordStream(body: ReadableStream<Uint8Array>, protocol: WireProtocol, request: () => CanonicalRequest, recorded: (response: CanonicalResponse | undefined) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let chars = 0;
  let settled = false;
  const settle = (response: CanonicalResponse | undefined) => {
    if (settled) return;
    settled = true;
    recorded(response);
  };
  const parser = createParser({ onEvent: (message) => events.push({ event: message.event, data: message.data }) });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        settle(undefined);
        controller.error(error);
        return;
      }
      if (next.done) {
        controller.close();
        if (chars > MAX_RECORDED_CHARS) settle(undefined);
        else void decodeEvents(events, protocol, request).then((decoded) => settle(decoded && collectResponse(decoded)));
        return;
      }
      controller.enqueue(next.value);
      if (chars <= MAX_RECORDED_CHARS) {
        const text = decoder.decode(next.value, { stream: true });
        chars += text.length;
        parser.feed(text);
      }
    },
    cancel(reason) {
      settle(undefined);
      return reader.cancel(reason);
    },
  });
}

/** The client-protocol stream's events in canonical form, or undefined when the decoder refuses them. */
async function decodeEvents(events: SseEvent[], protocol: WireProtocol, request: () => CanonicalRequest): Promise<StreamEvent[] | undefined> {
  try {
    const decoded: StreamEvent[] = [];
    const source = new ReadableStream<SseEvent>({
      start(controller) {
        for (const event of events) controller.enqueue(event);
        controller.close();
      },
    });
    const reader = source.pipeThrough(protocol.decodeStream(request())).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) decoded.push(next.value);
    return decoded;
  } catch {
    return undefined;
  }
}
