import { createParser } from "eventsource-parser";
import type { CanonicalRequest, CanonicalResponse, StreamEvent } from "../core/canonical.ts";
import type { SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import { collectResponse } from "./collect-response.ts";

/** A stream larger than this is not recorded (nor cached). */
const MAX_RECORDED_CHARS = 8 * 1024 * 1024;

/** What the recorder reports: each event of a stream as it passes, and the complete answer (or undefined) once. */
export interface AnswerListener {
  event?(event: StreamEvent): void;
  recorded(response: CanonicalResponse | undefined): void;
}

/**
 * Wraps the answer going to the client so that, once it has gone out whole, the complete answer
 * is known in canonical form: decoded from the client's own protocol, whichever path (passed
 * through or translated) produced it. A stream's events are decoded as they pass. `recorded` is
 * called once: with the answer, or with undefined when it was an error, was cut (client gone,
 * upstream failed mid-stream) or too large.
 */
export async function recordAnswer(answer: Response, protocol: WireProtocol, request: () => CanonicalRequest, listener: AnswerListener): Promise<Response> {
  if (!answer.body || answer.status !== 200) {
    listener.recorded(undefined);
    return answer;
  }
  if (!answer.headers.get("content-type")?.includes("text/event-stream")) {
    const text = await answer.text();
    listener.recorded(decodeBody(text, protocol, request));
    return new Response(text, { status: answer.status, headers: answer.headers });
  }
  return new Response(recordStream(answer.body, protocol, request, listener), { status: answer.status, headers: answer.headers });
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

function recordStream(body: ReadableStream<Uint8Array>, protocol: WireProtocol, request: () => CanonicalRequest, listener: AnswerListener): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const decoding = new EventDecoder(protocol.decodeStream(request()), listener);
  let chars = 0;
  const parser = createParser({ onEvent: (message) => decoding.write({ event: message.event, data: message.data }) });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        decoding.abandon();
        controller.error(error);
        return;
      }
      if (next.done) {
        controller.close();
        if (chars > MAX_RECORDED_CHARS) decoding.abandon();
        else decoding.end();
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
      decoding.abandon();
      return reader.cancel(reason);
    },
  });
}

/** Feeds a protocol's stream decoder event by event, keeping what it decodes and passing each on. */
class EventDecoder {
  private readonly writer: WritableStreamDefaultWriter<SseEvent>;
  private readonly events: StreamEvent[] = [];
  private readonly decoded: Promise<boolean>;
  private settled = false;

  constructor(
    decode: TransformStream<SseEvent, StreamEvent>,
    private readonly listener: AnswerListener,
  ) {
    this.writer = decode.writable.getWriter();
    const reader = decode.readable.getReader();
    this.decoded = (async () => {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        this.events.push(next.value);
        if (!this.settled) listener.event?.(next.value);
      }
      return true;
    })().catch(() => false);
  }

  write(event: SseEvent): void {
    this.writer.write(event).catch(() => {});
  }

  /** The stream ended cleanly: the answer is complete if the decoder says so. */
  end(): void {
    this.writer.close().catch(() => {});
    void this.decoded.then((ok) => this.settle(ok ? collectResponse(this.events) : undefined));
  }

  /** Cut, failed or too large: nothing to keep. */
  abandon(): void {
    this.writer.abort().catch(() => {});
    this.settle(undefined);
  }

  private settle(response: CanonicalResponse | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.recorded(response);
  }
}
