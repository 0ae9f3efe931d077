/**
 * A virtual X display (Xvfb) for browser prompts that headless mode never answers, such as
 * Chromium's "Add permissions?" dialog: the browser runs headful on it, xdotool types the keys
 * a user would press, and `screenshot` captures the whole screen, dialogs included.
 */
import { dlopen, FFIType, type Pointer, toArrayBuffer } from "bun:ffi";
import { existsSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

export const XVFB = "/usr/bin/Xvfb";
export const XDOTOOL = "/usr/bin/xdotool";
const LIBX11 = "libX11.so.6";

/** Why a virtual display cannot run here, or undefined when it can (CI installs xvfb and xdotool). */
export function virtualDisplayMissing(): string | undefined {
  const missing = [XVFB, XDOTOOL].filter((path) => !existsSync(path));
  return missing.length > 0 ? `${missing.join(" and ")} missing (apt-get install -y xvfb xdotool)` : undefined;
}

export interface VirtualDisplay {
  /** `:<n>`, for the DISPLAY of the programs that should draw on it. */
  display: string;
  width: number;
  height: number;
  /** Presses keys on whatever has the focus, as a user would (xdotool key names: Tab, Return, shift+Tab). */
  key(...keys: string[]): Promise<void>;
  /** The whole screen as a PNG, browser dialogs included. */
  screenshot(path: string): void;
  /** A hash of the screen's pixels: browser dialogs are no X windows of their own, only pixels. */
  fingerprint(): bigint;
  /** Waits until the screen differs from a fingerprint taken before (e.g. a dialog was drawn). */
  waitForChange(since: bigint, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Xvfb on the first free display number from 90 on. Another Xvfb may grab the same
 * number between the check and the start; then it exits at once and the next number is tried.
 */
export async function startVirtualDisplay(size = { width: 1280, height: 900 }): Promise<VirtualDisplay> {
  for (let number = 90; number < 130; number++) {
    if (existsSync(`/tmp/.X${number}-lock`) || existsSync(`/tmp/.X11-unix/X${number}`)) continue;
    const display = `:${number}`;
    const server = Bun.spawn([XVFB, display, "-screen", "0", `${size.width}x${size.height}x24`, "-nolisten", "tcp", "-noreset"], { stdout: "ignore", stderr: "pipe" });
    if (!(await readyWithin(server, `/tmp/.X11-unix/X${number}`, 5000))) {
      server.kill();
      continue;
    }
    // A test process that dies without its afterAll must not leave the server behind.
    const killOnExit = () => server.kill();
    process.once("exit", killOnExit);
    return {
      display,
      ...size,
      async key(...keys) {
        const run = Bun.spawn([XDOTOOL, "key", ...keys], { env: { ...process.env, DISPLAY: display }, stdout: "ignore", stderr: "pipe" });
        if ((await run.exited) !== 0) throw new Error(`xdotool key ${keys.join(" ")}: ${await new Response(run.stderr).text()}`);
      },
      screenshot: (path) => writeFileSync(path, grabScreen(display, encodeScreenPng)),
      fingerprint: () => grabScreen(display, (screen) => BigInt(Bun.hash(screen.pixels))),
      async waitForChange(since, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        while (grabScreen(display, (screen) => BigInt(Bun.hash(screen.pixels))) === since) {
          if (Date.now() > deadline) throw new Error(`the screen of ${display} did not change within ${timeoutMs} ms`);
          await Bun.sleep(100);
        }
      },
      async stop() {
        process.off("exit", killOnExit);
        server.kill();
        await Promise.race([server.exited, Bun.sleep(3000)]);
      },
    };
  }
  throw new Error("no free X display number between :90 and :129");
}

async function readyWithin(server: Bun.Subprocess, socket: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false;
    if (existsSync(socket)) return true;
    await Bun.sleep(50);
  }
  return false;
}

/** The few Xlib calls a screen grab needs (libX11 is there wherever Chromium and Xvfb are). */
function openXlib() {
  return dlopen(LIBX11, {
    XOpenDisplay: { args: [FFIType.ptr], returns: FFIType.ptr },
    XDefaultRootWindow: { args: [FFIType.ptr], returns: FFIType.u64 },
    XDisplayWidth: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    XDisplayHeight: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    XGetImage: { args: [FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.i32, FFIType.u32, FFIType.u32, FFIType.u64, FFIType.i32], returns: FFIType.ptr },
    XDestroyImage: { args: [FFIType.ptr], returns: FFIType.i32 },
    XCloseDisplay: { args: [FFIType.ptr], returns: FFIType.i32 },
  });
}

const Z_PIXMAP = 2;
const ALL_PLANES = 0xffffffffffffffffn;

/** The root window's pixels: 32 bits each, little-endian BGRX rows of `stride` bytes (24-bit depth). */
interface ScreenPixels {
  width: number;
  height: number;
  stride: number;
  pixels: Uint8Array;
}

/**
 * Reads the root window of a 24-bit display and hands its pixels to `use` (valid only during the
 * call). XImage on x86-64: data at byte 16, bytes_per_line at 44, bits_per_pixel at 48.
 */
function grabScreen<T>(display: string, use: (screen: ScreenPixels) => T): T {
  const xlib = openXlib();
  try {
    const connection = xlib.symbols.XOpenDisplay(Buffer.from(`${display}\0`));
    if (!connection) throw new Error(`cannot open display ${display}`);
    try {
      const width = xlib.symbols.XDisplayWidth(connection, 0);
      const height = xlib.symbols.XDisplayHeight(connection, 0);
      const root = xlib.symbols.XDefaultRootWindow(connection);
      const image = xlib.symbols.XGetImage(connection, root, 0, 0, width, height, ALL_PLANES, Z_PIXMAP);
      if (!image) throw new Error("XGetImage failed");
      try {
        const header = new DataView(toArrayBuffer(image, 0, 56));
        const data = Number(header.getBigUint64(16, true)) as Pointer;
        const stride = header.getInt32(44, true);
        const bitsPerPixel = header.getInt32(48, true);
        if (bitsPerPixel !== 32) throw new Error(`unexpected ${bitsPerPixel} bits per pixel`);
        return use({ width, height, stride, pixels: new Uint8Array(toArrayBuffer(data, 0, stride * height)) });
      } finally {
        xlib.symbols.XDestroyImage(image);
      }
    } finally {
      xlib.symbols.XCloseDisplay(connection);
    }
  } finally {
    xlib.close();
  }
}

function encodeScreenPng({ width, height, stride, pixels }: ScreenPixels): Uint8Array {
  const rows = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (width * 3 + 1); // each PNG row starts with filter type 0
    for (let x = 0; x < width; x++) {
      const at = y * stride + x * 4;
      rows[out + 1 + x * 3] = pixels[at + 2]!;
      rows[out + 2 + x * 3] = pixels[at + 1]!;
      rows[out + 3 + x * 3] = pixels[at]!;
    }
  }
  return encodePng(width, height, rows);
}

function encodePng(width: number, height: number, filteredRows: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no interlace
  const signature = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(filteredRows)), chunk("IEND", new Uint8Array())]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(Bun.hash.crc32(typed), 8 + data.length);
  return out;
}
