/**
 * LobeHub's tRPC API as its own browser client calls it: same origin, the session cookie,
 * superjson envelopes (`{"json": input}`), queries as GET `?input=`, mutations as POST.
 * (lobehub/lobe-chat src/libs/trpc/client/lambda.ts, the `/trpc/lambda` endpoint)
 */
import type { ToolPage } from "./types.ts";

export class TrpcError extends Error {
  constructor(
    readonly procedure: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Call = "query" | "mutation";

async function call<T>(page: ToolPage, kind: Call, procedure: string, input: unknown): Promise<T> {
  const base = `${new URL(page.appUrl).origin}/trpc/lambda/${procedure}`;
  const envelope = JSON.stringify({ json: input });
  const response =
    kind === "query"
      ? await page.fetch(`${base}?input=${encodeURIComponent(envelope)}`, { credentials: "include" })
      : await page.fetch(base, { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: envelope });
  const body = (await response.json().catch(() => undefined)) as { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } } | undefined;
  if (!response.ok || !body?.result) {
    throw new TrpcError(procedure, response.status, body?.error?.json?.message ?? `LobeHub answered ${response.status} to ${procedure}.`);
  }
  return body.result.data?.json as T;
}

export const trpcQuery = <T>(page: ToolPage, procedure: string, input: unknown) => call<T>(page, "query", procedure, input);
export const trpcMutation = <T>(page: ToolPage, procedure: string, input: unknown) => call<T>(page, "mutation", procedure, input);
