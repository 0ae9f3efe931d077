import { vi } from "vitest";

/** A recorded call to the fake gateway. */
export interface RecordedCall {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

type Route = (call: RecordedCall) => Response | Promise<Response>;

/**
 * A `fetch` that answers like an llmio gateway from a table of `METHOD /path` routes and
 * records every call. Unknown routes answer 404; an `Error` thrown by a route rejects the fetch.
 */
export function fakeGateway(routes: Record<string, Route>) {
  const calls: RecordedCall[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const call: RecordedCall = {
      method: init.method ?? "GET",
      url,
      authorization: headers.get("authorization"),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const { pathname, search } = new URL(url);
    const route = routes[`${call.method} ${pathname}${search}`] ?? routes[`${call.method} ${pathname}`];
    return route ? route(call) : Response.json({ error: `Not found: ${pathname}` }, { status: 404 });
  });
  return { fetch, calls };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });

export const unauthorized = () => json({ error: "unauthorized: missing or invalid admin token" }, 401);

export const STATUS = { version: "0.1.0", uptimeSeconds: 42, requestsLastMinute: 10, errorsLastMinute: 0, logBacklog: 0 };
