/**
 * The hostile answers of the fake upstream (directives in faults.ts): what a broken or
 * malicious provider does to a gateway. Each answer is protocol-independent: the same bytes
 * whichever vendor the fake plays, because a gateway must survive them whatever it expects.
 */
import { createGzip } from "node:zlib";
import { JSON_HEADERS } from "./json.ts";
import { openaiErrorJson } from "./openai-errors.ts";
import { sleep } from "./sleep.ts";

/** What `gzip-bomb` decodes to: 1 GiB of zero bytes. */
export const GZIP_BOMB_DECODED_BYTES = 1 << 30;
/** Piece size for the compressed bomb and giant lines: small writes, so they are truly streamed. */
const PIECE_BYTES = 64 * 1024;
/** `endless` without `token-delay`: still a stream, not a busy loop. */
export const ENDLESS_DEFAULT_DELAY_MS = 20;

const encoder = new TextEncoder();

/** A `redirect=STATUS` answer pointing at `location`. */
export function redirectResponse(status: number, location: string): Response {
  return new Response(null, { status, headers: { location } });
}

/** `error-body`: HTTP 200 whose JSON is an OpenAI error envelope instead of an answer. */
export function errorBodyResponse(): Response {
  return new Response(openaiErrorJson("Fake upstream fault: error body with HTTP 200", "server_error", "fake_error_body"), {
    headers: JSON_HEADERS,
  });
}

let bomb: Promise<Uint8Array> | undefined;

/** The gzip of 1 GiB of zeros (about 1 MB), compressed once per process (≈0.3 s) and kept. */
function compressedBomb(): Promise<Uint8Array> {
  bomb ??= new Promise<Uint8Array>((resolve, reject) => {
    const gzip = createGzip();
    const parts: Buffer[] = [];
    gzip.on("data", (part: Buffer) => parts.push(part));
    gzip.on("end", () => resolve(new Uint8Array(Buffer.concat(parts))));
    gzip.on("error", reject);
    const zeros = Buffer.alloc(1 << 20);
    for (let written = 0; written < GZIP_BOMB_DECODED_BYTES; written += zeros.length) gzip.write(zeros);
    gzip.end();
  });
  return bomb;
}

/** `gzip-bomb`: a 200 with `Content-Encoding: gzip` whose body decodes to 1 GiB of zeros. */
export async function gzipBombResponse(contentType: string): Promise<Response> {
  const compressed = await compressedBomb();
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= compressed.length) {
        controller.close();
        return;
      }
      controller.enqueue(compressed.subarray(offset, offset + PIECE_BYTES));
      offset += PIECE_BYTES;
    },
  });
  return new Response(body, { headers: { "content-type": contentType, "content-encoding": "gzip" } });
}

const FILLER = encoder.encode("x".repeat(PIECE_BYTES));

/** `giant-line`: `head` and then filler up to `totalBytes` in all, in 64 KiB pieces, never a newline. */
export function* giantLine(head: string, totalBytes: number): Generator<Uint8Array> {
  const start = encoder.encode(head).subarray(0, totalBytes);
  yield start;
  for (let left = totalBytes - start.length; left > 0; left -= PIECE_BYTES) yield left >= PIECE_BYTES ? FILLER : FILLER.subarray(0, left);
}

/** `endless`: the same frame forever. */
export function* forever(frame: string): Generator<Uint8Array> {
  const bytes = encoder.encode(frame);
  for (;;) yield bytes;
}

/**
 * A body of `head` frames (one per `headDelayMs`, all at once when 0), then the pieces of
 * `tail` (one per `tailDelayMs`), then the end. Pull-driven: a client that stops reading
 * stops the flow, and one that leaves ends it.
 */
export function framesThen(
  head: readonly string[],
  tail: Iterator<Uint8Array>,
  delays: { headDelayMs: number; tailDelayMs: number },
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const stopped = new AbortController();
  signal?.addEventListener("abort", () => stopped.abort(), { once: true });
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next < head.length) {
        if (delays.headDelayMs > 0 && next > 0) await sleep(delays.headDelayMs, stopped.signal);
        if (delays.headDelayMs > 0) controller.enqueue(encoder.encode(head[next++]));
        else while (next < head.length) controller.enqueue(encoder.encode(head[next++]));
        return;
      }
      if (delays.tailDelayMs > 0 && next++ > 0) await sleep(delays.tailDelayMs, stopped.signal);
      if (stopped.signal.aborted) return;
      const piece = tail.next();
      if (piece.done) controller.close();
      else controller.enqueue(piece.value);
    },
    cancel() {
      stopped.abort();
    },
  });
}
