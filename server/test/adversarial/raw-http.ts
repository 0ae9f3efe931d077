import { connect, type Socket } from "node:net";

/** A raw connection to the gateway: what it received, and when the server closed it. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far, as text. */
  received(): string;
  /** Resolves with the milliseconds from connecting to the close, or undefined at `withinMs`. */
  closedWithin(withinMs: number): Promise<number | undefined>;
  /** Resolves once `text` has been received, or rejects after `withinMs`. */
  waitFor(text: string | RegExp, withinMs: number): Promise<string>;
  /** Bytes written that the kernel accepted (written minus still buffered). */
  bytesSent(): number;
}

/** Opens a TCP connection to 127.0.0.1:`port` and sends `head` (request line and headers), if any. */
export function openRaw(port: number, head?: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let data = "";
    let closedAfter: number | undefined;
    const closeWaiters: Array<() => void> = [];
    const dataWaiters: Array<() => void> = [];
    const socket = connect(port, "127.0.0.1");
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      for (const wake of dataWaiters.splice(0)) wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closedAfter = Date.now() - started;
      for (const wake of [...closeWaiters.splice(0), ...dataWaiters.splice(0)]) wake();
    });
    socket.once("connect", () => {
      if (head !== undefined) socket.write(head);
      resolve({
        socket,
        received: () => data,
        bytesSent: () => socket.bytesWritten - socket.writableLength,
        closedWithin(withinMs) {
          if (closedAfter !== undefined) return Promise.resolve(closedAfter);
          return new Promise((done) => {
            const timer = setTimeout(() => done(undefined), withinMs);
            closeWaiters.push(() => {
              clearTimeout(timer);
              done(closedAfter);
            });
          });
        },
        waitFor(text, withinMs) {
          const found = () => (typeof text === "string" ? data.includes(text) : text.test(data));
          return new Promise((done, fail) => {
            const timer = setTimeout(() => check(true), withinMs);
            const check = (late = false) => {
              if (found()) {
                clearTimeout(timer);
                return done(data);
              }
              if (late || closedAfter !== undefined) {
                clearTimeout(timer);
                return fail(new Error(`not received: ${text} (got ${JSON.stringify(data.slice(0, 300))})`));
              }
              dataWaiters.push(check);
            };
            check();
          });
        },
      });
    });
    socket.once("error", reject);
  });
}

/** The status and JSON body of the first response in `raw` (Content-Length or chunked framing). */
export function parseResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const headEnd = raw.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = raw.slice(0, headEnd).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(headEnd + 4);
  if (headers["content-length"] !== undefined) body = body.slice(0, Number(headers["content-length"]));
  else if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

function unchunk(text: string): string {
  let out = "";
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    if (lineEnd < 0) return out;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
