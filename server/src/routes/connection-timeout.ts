import type { Server } from "bun";
import { onResponseEnd } from "./response-end.ts";

/**
 * Runs an authenticated, admitted LLM call with Bun's connection timeout lifted: waiting for a
 * slow model or a quiet stream can last far longer than the idle timeout. Everything before
 * (headers, authentication, the body upload) stays under the timeout, and it is set back when
 * the answer ends, so the kept-alive connection idles under it again. Bun keeps a timeout set
 * on a request for the connection's idle time after it; a new request resets it.
 *
 * `streams`: the answer is a stream whose end is awaited; any other answer is written at once,
 * so the timeout is set back before it is returned (and its Content-Length kept).
 */
export async function withConnectionHeld(
  server: Server<unknown> | null,
  request: Request,
  idleTimeoutSeconds: number,
  streams: boolean,
  run: () => Promise<Response>,
): Promise<Response> {
  if (!server) return run();
  const restore = () => {
    try {
      server.timeout(request, idleTimeoutSeconds);
    } catch {
      // The client has gone: its connection is closed already.
    }
  };
  server.timeout(request, 0);
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    restore();
    throw error;
  }
  if (!streams || !response.body) {
    restore();
    return response;
  }
  return onResponseEnd(response, restore);
}
