import { describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { withConnectionHeld } from "./connection-timeout.ts";

/** A server that records the timeouts set on the request. */
function recordingServer() {
  const timeouts: number[] = [];
  const server = { timeout: (_request: Request, seconds: number) => void timeouts.push(seconds) } as unknown as Server<unknown>;
  return { server, timeouts };
}

const request = new Request("http://gateway/v1/chat/completions", { method: "POST" });

describe("withConnectionHeld", () => {
  test("a whole answer: lifted while it is awaited, set back before it is returned", async () => {
    const { server, timeouts } = recordingServer();
    const response = await withConnectionHeld(server, request, 60, false, async () => {
      expect(timeouts).toEqual([0]);
      return Response.json({ ok: true });
    });
    expect(timeouts).toEqual([0, 60]);
    expect(await response.json()).toEqual({ ok: true });
  });

  test("a stream: set back only when it has been read to its end", async () => {
    const { server, timeouts } = recordingServer();
    const response = await withConnectionHeld(server, request, 60, true, async () => new Response("data: a\n\ndata: b\n\n"));
    expect(timeouts).toEqual([0]);
    expect(await response.text()).toBe("data: a\n\ndata: b\n\n");
    expect(timeouts).toEqual([0, 60]);
  });

  test("a stream the client cancels, and a handler that throws, set it back too", async () => {
    const cancelled = recordingServer();
    const response = await withConnectionHeld(cancelled.server, request, 60, true, async () => new Response(new ReadableStream({ pull() {} })));
    await response.body!.cancel();
    expect(cancelled.timeouts).toEqual([0, 60]);
    const thrown = recordingServer();
    await expect(withConnectionHeld(thrown.server, request, 60, false, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(thrown.timeouts).toEqual([0, 60]);
  });

  test("without a server (app.handle in tests) the call just runs", async () => {
    expect((await withConnectionHeld(null, request, 60, true, async () => new Response("x"))).status).toBe(200);
  });
});
