import { Elysia } from "elysia";
import type { AuthServices } from "../app-deps.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { Relays } from "../relay/index.ts";
import type { Catalog } from "../routing/catalog.ts";
import { anthropicModelList, geminiModelList, openaiModelList } from "./model-lists.ts";
import { authenticateRequest, createProxyHandler, proxyRoute, type ProxyContext } from "./proxy-handler.ts";

const proxyDoc = (summary: string) => ({ summary, tags: ["proxy: OpenAI"] });

/**
 * OpenAI-compatible endpoints under `/v1` and LLMIO's `/openai/v1`. `/v1/models` also answers
 * Anthropic- or Gemini-shaped when the caller sends that vendor's headers (Cherry Studio's
 * Anthropic providers, Claude Code's model discovery and @google/genai share the `/v1` root).
 */
export function openaiProxyRoutes(relays: Relays, catalog: Catalog, auth: AuthServices) {
  const chat = wireProtocols["openai-chat"];
  const responses = wireProtocols["openai-responses"];
  const chatCompletions = createProxyHandler(chat, auth, relays.chat);
  const createResponse = createProxyHandler(responses, auth, relays.chat);
  const compactResponse = createProxyHandler(responses, auth, relays.compact);
  const embeddings = createProxyHandler(chat, auth, relays.embeddings);
  const listModels = proxyRoute(async (proxyContext: ProxyContext) => {
    const { request } = proxyContext;
    const principal = await authenticateRequest(chat, proxyContext, auth);
    if (principal instanceof Response) return principal;
    const models = auth.clientKeys.permittedModels(principal, await catalog.models());
    if (request.headers.has("anthropic-version")) return Response.json(anthropicModelList(models));
    if (request.headers.has("x-goog-api-key")) return Response.json(geminiModelList(models));
    return Response.json(openaiModelList(models));
  });

  const app = new Elysia({ name: "proxy-openai" });
  for (const prefix of ["/v1", "/openai/v1"]) {
    app
      .post(`${prefix}/chat/completions`, chatCompletions, { parse: "none", detail: proxyDoc("Chat Completions (stream and non-stream)") })
      .post(`${prefix}/responses`, createResponse, { parse: "none", detail: proxyDoc("Responses API (Codex)") })
      .post(`${prefix}/responses/compact`, compactResponse, { parse: "none", detail: proxyDoc("Responses history compaction (Responses providers only)") })
      .post(`${prefix}/embeddings`, embeddings, { parse: "none", detail: proxyDoc("Embeddings") })
      .get(`${prefix}/models`, listModels, { detail: proxyDoc("Public model names") });
  }
  return app;
}
