/**
 * What a protocol responder plugs into the fake server. Each wire protocol (OpenAI Chat,
 * later Responses, Anthropic, Gemini) exports a list of routes; server.ts only dispatches.
 */

import type { RpmLimiter } from "./rpm-limit.ts";

export interface FakeRequestContext {
  /** 1-based number of this request on this server; responders derive ids from it. */
  readonly seq: number;
  /** The path the route matched (without query string). */
  readonly path: string;
  /** Stores the decoded request body for `FakeUpstream.lastRequest`. */
  recordBody(body: unknown): void;
  /** The origin `redirect=STATUS` points to: the fake's recording second listener (started on first use). */
  redirectOrigin(): string;
  /** This server's per-model requests-per-minute windows (the `rpm=N` fault). */
  readonly rpmLimiter: RpmLimiter;
}

export interface FakeRoute {
  readonly method: "GET" | "POST";
  /** Exact paths served, e.g. both `/v1/chat/completions` and `/chat/completions`. */
  readonly paths: readonly string[];
  handle(request: Request, context: FakeRequestContext): Response | Promise<Response>;
}
