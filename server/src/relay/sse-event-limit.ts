/**
 * Bounds one SSE event of an upstream stream. An event ends at a blank line; the bytes since
 * the last one are an event still arriving, which every SSE parser (the gateway's and the
 * client's) holds until it ends. A line or event that never ends is refused at the limit.
 */
import { limitExceeded } from "./upstream-limits.ts";

const LF = 0x0a;
const CR = 0x0d;

export class SseEventLimit {
  /** Bytes of the event still arriving. */
  private pending = 0;
  /** The last two bytes seen before the current chunk, for a blank line split across chunks. */
  private last = 0;
  private beforeLast = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * Sees the next chunk: returns where in it the last complete event ends (0 when none does),
   * or throws an UpstreamLimitError when the event still arriving is past the limit.
   */
  see(chunk: Uint8Array): number {
    const end = lastEventEnd(chunk, this.last, this.beforeLast);
    this.pending = end === 0 ? this.pending + chunk.length : chunk.length - end;
    if (chunk.length >= 2) {
      this.beforeLast = chunk[chunk.length - 2];
      this.last = chunk[chunk.length - 1];
    } else if (chunk.length === 1) {
      this.beforeLast = this.last;
      this.last = chunk[0];
    }
    if (this.pending > this.maxBytes) throw limitExceeded("sse_event", this.maxBytes);
    return end;
  }
}

/**
 * The offset just past the last blank line in `chunk` (two line ends in a row; CRLF, LF and CR
 * each end a line), 0 when there is none. Scans back from the end: a well-formed chunk ends
 * with its event, so this usually looks at two or three bytes.
 */
function lastEventEnd(chunk: Uint8Array, last: number, beforeLast: number): number {
  const at = (i: number) => (i >= 0 ? chunk[i] : i === -1 ? last : beforeLast);
  for (let i = chunk.length - 1; i >= 0; i--) {
    const byte = chunk[i];
    if (byte === LF) {
      const previous = at(i - 1);
      if (previous === LF) return i + 1;
      // CRLF ends this line; the one before ends with LF or CR.
      if (previous === CR) {
        const before = at(i - 2);
        if (before === LF || before === CR) return i + 1;
      }
    } else if (byte === CR) {
      const previous = at(i - 1);
      if (previous === LF || previous === CR) return i + 1;
    }
  }
  return 0;
}

/**
 * For streams passed through byte for byte: forwards only whole events and holds an event
 * still arriving (at most the limit), so the client is always between events when the
 * gateway adds a frame of its own (a keep-alive, or the error that ends the stream).
 */
export class SseEventFramer {
  private readonly limit: SseEventLimit;
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(maxBytes: number) {
    this.limit = new SseEventLimit(maxBytes);
  }

  /** The bytes now complete (undefined when none are), or throws past the limit. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    const end = this.limit.see(chunk);
    if (end === 0) {
      this.hold(chunk);
      return undefined;
    }
    let complete: Uint8Array;
    // The common case: nothing held and the chunk ends with its event, passed on as it is.
    if (this.heldBytes === 0) complete = end === chunk.length ? chunk : chunk.subarray(0, end);
    else {
      complete = new Uint8Array(this.heldBytes + end);
      let offset = 0;
      for (const part of this.held) {
        complete.set(part, offset);
        offset += part.length;
      }
      complete.set(chunk.subarray(0, end), offset);
      this.held = [];
      this.heldBytes = 0;
    }
    if (end < chunk.length) this.hold(chunk.subarray(end));
    return complete;
  }

  /** At the upstream's end: whatever was held (an unterminated last event), to pass on too. */
  flush(): Uint8Array | undefined {
    if (this.heldBytes === 0) return undefined;
    const rest = new Uint8Array(this.heldBytes);
    let offset = 0;
    for (const part of this.held) {
      rest.set(part, offset);
      offset += part.length;
    }
    this.held = [];
    this.heldBytes = 0;
    return rest;
  }

  private hold(part: Uint8Array): void {
    this.held.push(part);
    this.heldBytes += part.length;
  }
}
