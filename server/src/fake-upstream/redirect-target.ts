/**
 * The "other origin" of the fake upstream: a second listener that `redirect=STATUS` points to.
 * It records every request it receives, so a test sees whether a gateway followed a redirect
 * and what it handed over (the provider's key, the prompt), and answers like a provider would,
 * so that following it looks like success.
 */

export interface ReceivedRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  /** The raw body (at most 1 MiB kept); empty for GET. */
  body: string;
}

export interface RedirectTarget {
  /** Origin without a trailing slash: the same host as the fake, another port. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: readonly ReceivedRequest[];
  stop(): Promise<void>;
}

const MAX_RECORDED_BODY = 1 << 20;

// A complete OpenAI-shaped answer: what a gateway relays as a completion when it follows.
const FOLLOWED_ANSWER = JSON.stringify({
  id: "chatcmpl-redirected",
  object: "chat.completion",
  created: 0,
  model: "redirect-target",
  choices: [{ index: 0, message: { role: "assistant", content: "Answered by the redirect target", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 },
});

export function startRedirectTarget(hostname: string): RedirectTarget {
  const requests: ReceivedRequest[] = [];
  const server = Bun.serve({
    port: 0,
    hostname,
    development: false,
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? "" : (await request.text()).slice(0, MAX_RECORDED_BODY);
      requests.push({ method: request.method, path: url.pathname + url.search, headers: Object.fromEntries(request.headers), body });
      return new Response(FOLLOWED_ANSWER, { headers: { "content-type": "application/json" } });
    },
  });
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${server.port}`,
    requests,
    stop() {
      stopped ??= server.stop(true);
      return stopped;
    },
  };
}
