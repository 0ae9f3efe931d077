import { describe, expect, test } from "bun:test";
import { SseEventFramer, SseEventLimit } from "./sse-event-limit.ts";
import { UpstreamLimitError } from "./upstream-limits.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));

describe("SseEventLimit", () => {
  test("finds the end of the last complete event with LF, CRLF and CR line ends", () => {
    expect(new SseEventLimit(100).see(bytes("data: a\n\ndata: b"))).toBe(9);
    expect(new SseEventLimit(100).see(bytes("data: a\r\n\r\ndata: b\r\n\r\n"))).toBe(22);
    expect(new SseEventLimit(100).see(bytes("data: a\r\rdata: b"))).toBe(9);
    expect(new SseEventLimit(100).see(bytes("data: a\ndata: b\n"))).toBe(0);
  });

  test("a blank line split across chunks still ends the event", () => {
    const limit = new SseEventLimit(100);
    expect(limit.see(bytes("data: a\r\n"))).toBe(0);
    expect(limit.see(bytes("\r"))).toBe(1);
    expect(limit.see(bytes("\ndata: b\n"))).toBe(1);
    expect(limit.see(bytes("\n"))).toBe(1);
  });

  test("an event still arriving past the limit is refused, however it was split", () => {
    const limit = new SseEventLimit(10);
    limit.see(bytes("data: 1234"));
    expect(() => limit.see(bytes("5"))).toThrow(UpstreamLimitError);
    expect(() => new SseEventLimit(10).see(bytes("data: 1\n\ndata: 2345678"))).toThrow("upstream SSE event larger than");
  });

  test("many events, each small, never add up", () => {
    const limit = new SseEventLimit(16);
    for (let i = 0; i < 1000; i++) limit.see(bytes(`data: ${i % 10}\n\n: ping\n\n`));
    // A long event made of many short lines is one event.
    const lines = new SseEventLimit(16);
    expect(() => {
      for (let i = 0; i < 10; i++) lines.see(bytes("data: x\n"));
    }).toThrow(UpstreamLimitError);
  });
});

describe("SseEventFramer", () => {
  test("passes whole-event chunks through as they are", () => {
    const framer = new SseEventFramer(100);
    const chunk = bytes("data: a\n\ndata: b\n\n");
    expect(framer.push(chunk)).toBe(chunk);
  });

  test("holds an event still arriving and passes it on once complete", () => {
    const framer = new SseEventFramer(100);
    expect(text(framer.push(bytes("data: a\n\ndata: ")))).toBe("data: a\n\n");
    expect(framer.push(bytes("b"))).toBeUndefined();
    expect(text(framer.push(bytes("\n\ndata: c")))).toBe("data: b\n\n");
    expect(text(framer.flush())).toBe("data: c");
    expect(framer.flush()).toBeUndefined();
  });

  test("refuses an event past the limit while holding at most the limit", () => {
    const framer = new SseEventFramer(8);
    expect(framer.push(bytes("data: "))).toBeUndefined();
    expect(() => framer.push(bytes("xxxx"))).toThrow(UpstreamLimitError);
  });
});
