import type { Server } from "bun";
import type { QuotaTicket } from "../auth/quota-reservations.ts";
import { onResponseEnd } from "./response-end.ts";

/** What an admitted call holds until its answer has ended. */
export interface AdmittedCall {
  /** Bun's server, to lift the connection timeout (null under `app.handle` in tests). */
  server: Server<unknown> | null;
  request: Request;
  /** The connection timeout to set back once the answer has ended. */
  idleTimeoutSeconds: number;
  /** The answer is a stream whose end is awaited; any other answer ends when it is returned. */
  streams: boolean;
  /** The call's quota reservation, if its key has a quota. */
  ticket?: QuotaTicket;
}

/**
 * Runs an authenticated, admitted LLM call and ends what it holds exactly once, on every path:
 * - Bun's connection timeout is lifted while it runs (waiting for a slow model or a quiet stream
 *   can last far longer), and set back when the answer ends, so the kept-alive connection idles
 *   under it again (Bun keeps a timeout set on a request for the connection's idle time after it).
 * - The quota reservation learns the answer, and that it has ended.
 * A whole answer ends when it is returned (keeping its Content-Length); a stream when it has been
 * delivered, has failed or was cancelled, through one pass-through wrapper for both.
 */
export async function runAdmittedCall(call: AdmittedCall, run: () => Promise<Response>): Promise<Response> {
  const { server, request } = call;
  const end = () => {
    try {
      server?.timeout(request, call.idleTimeoutSeconds);
    } catch {
      // The client has gone: its connection is closed already.
    }
    call.ticket?.ended();
  };
  server?.timeout(request, 0);
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    call.ticket?.answered(undefined);
    end();
    throw error;
  }
  call.ticket?.answered(response);
  if (!call.streams || !response.body) {
    end();
    return response;
  }
  return onResponseEnd(response, end);
}
