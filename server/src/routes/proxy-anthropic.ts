import { Elysia } from "elysia";
import type { AuthServices } from "../app-deps.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { Relays } from "../relay/index.ts";
import type { Catalog } from "../routing/catalog.ts";
import { anthropicModelList } from "./model-lists.ts";
import { authenticateRequest, createProxyHandler, proxyRoute, type ProxyContext } from "./proxy-handler.ts";

const proxyDoc = (summary: string) => ({ summary, tags: ["proxy: Anthropic"] });

/**
 * Anthropic Messages endpoints. Claude Code calls `/v1/messages?beta=true`: routing is on the
 * path, the query is ignored. `/v1/messages` shares the `/v1` root with the OpenAI routes.
 */
export function anthropicProxyRoutes(relays: Relays, catalog: Catalog, auth: AuthServices) {
  const anthropic = wireProtocols.anthropic;
  const messages = createProxyHandler(anthropic, auth, relays.chat);
  // Counting tokens costs no quota.
  const countTokens = createProxyHandler(anthropic, auth, relays.countTokens, undefined, { free: () => true });
  const listModels = proxyRoute(async (proxyContext: ProxyContext) => {
    const principal = await authenticateRequest(anthropic, proxyContext, auth);
    if (principal instanceof Response) return principal;
    return Response.json(anthropicModelList(auth.clientKeys.permittedModels(principal, await catalog.models())));
  });

  const app = new Elysia({ name: "proxy-anthropic" });
  for (const prefix of ["/v1", "/anthropic/v1"]) {
    app
      .post(`${prefix}/messages`, messages, { parse: "none", detail: proxyDoc("Messages (stream and non-stream)") })
      .post(`${prefix}/messages/count_tokens`, countTokens, { parse: "none", detail: proxyDoc("Count tokens") });
  }
  app.get("/anthropic/v1/models", listModels, { detail: proxyDoc("Public model names, Anthropic shape") });
  return app;
}
