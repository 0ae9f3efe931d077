import { describe, expect, test } from "bun:test";
import type { Server } from "bun";
import type { QuotaTicket } from "../auth/quota-reservations.ts";
import { runAdmittedCall } from "./admitted-call.ts";

/** A server that records the timeouts set on the request. */
function recordingServer() {
  const timeouts: number[] = [];
  const server = { timeout: (_request: Request, seconds: number) => void timeouts.push(seconds) } as unknown as Server<unknown>;
  return { server, timeouts };
}

const request = new Request("http://gateway/v1/chat/completions", { method: "POST" });

describe("runAdmittedCall", () => {
  test("a whole answer: lifted while it is awaited, set back before it is returned", async () => {
    const { server, timeouts } = recordingServer();
    const response = await runAdmittedCall({ server: server, request, idleTimeoutSeconds: 60, streams: false }, async () => {
      expect(timeouts).toEqual([0]);
      return Response.json({ ok: true });
    });
    expect(timeouts).toEqual([0, 60]);
    expect(await response.json()).toEqual({ ok: true });
  });

  test("a stream: set back only when it has been read to its end", async () => {
    const { server, timeouts } = recordingServer();
    const response = await runAdmittedCall({ server: server, request, idleTimeoutSeconds: 60, streams: true }, async () => new Response("data: a\n\ndata: b\n\n"));
    expect(timeouts).toEqual([0]);
    expect(await response.text()).toBe("data: a\n\ndata: b\n\n");
    expect(timeouts).toEqual([0, 60]);
  });

  test("a stream the client cancels, and a handler that throws, set it back too", async () => {
    const cancelled = recordingServer();
    const response = await runAdmittedCall({ server: cancelled.server, request, idleTimeoutSeconds: 60, streams: true }, async () => new Response(new ReadableStream({ pull() {} })));
    await response.body!.cancel();
    expect(cancelled.timeouts).toEqual([0, 60]);
    const thrown = recordingServer();
    await expect(runAdmittedCall({ server: thrown.server, request, idleTimeoutSeconds: 60, streams: false }, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(thrown.timeouts).toEqual([0, 60]);
  });

  test("a quota ticket learns the answer and its end exactly once: at once for a whole answer, at the end of a stream", async () => {
    const events: string[] = [];
    const ticket: QuotaTicket = { traceId: "t", answered: (response) => void events.push(`answered ${response?.status}`), ended: () => void events.push("ended") };
    const { server } = recordingServer();
    await runAdmittedCall({ server, request, idleTimeoutSeconds: 60, streams: false, ticket }, async () => Response.json({}));
    expect(events).toEqual(["answered 200", "ended"]);
    events.length = 0;
    const stream = await runAdmittedCall({ server, request, idleTimeoutSeconds: 60, streams: true, ticket }, async () => new Response("data: a\n\n"));
    expect(events).toEqual(["answered 200"]);
    await stream.text();
    await stream.body?.cancel().catch(() => {});
    expect(events).toEqual(["answered 200", "ended"]);
    events.length = 0;
    await expect(runAdmittedCall({ server, request, idleTimeoutSeconds: 60, streams: true, ticket }, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(events).toEqual(["answered undefined", "ended"]);
  });

  test("without a server (app.handle in tests) the call just runs", async () => {
    expect((await runAdmittedCall({ server: null, request, idleTimeoutSeconds: 60, streams: true }, async () => new Response("x"))).status).toBe(200);
  });
});
