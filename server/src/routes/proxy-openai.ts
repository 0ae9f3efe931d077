import { Elysia } from "elysia";
import { GatewayError } from "../core/errors.ts";
import { openaiChat } from "../protocols/openai-chat/index.ts";
import type { Relay } from "../relay/relay.ts";
import type { Catalog } from "../services/catalog.ts";
import { createProxyHandler, isAuthorized, protocolErrorResponse, type ProxyContext } from "./proxy-handler.ts";

/** OpenAI-compatible endpoints, under `/v1` and LLMIO's `/openai/v1`. */
export function openaiProxyRoutes(relay: Relay, catalog: Catalog, token: string) {
  const chatCompletions = createProxyHandler(openaiChat, relay, token);
  const listModels = ({ request }: ProxyContext) => {
    if (!isAuthorized(request, token)) {
      return protocolErrorResponse(openaiChat, new GatewayError("authentication", "Invalid or missing API key"));
    }
    return Response.json({
      object: "list",
      data: catalog.models().map((model) => ({
        id: model.name,
        object: "model",
        created: Math.floor(model.createdAt / 1000),
        owned_by: "llmio",
      })),
    });
  };

  const app = new Elysia({ name: "proxy-openai" });
  for (const prefix of ["/v1", "/openai/v1"]) {
    app.post(`${prefix}/chat/completions`, chatCompletions, {
      parse: "none",
      detail: { summary: "OpenAI Chat Completions (stream and non-stream)", tags: ["proxy"] },
    });
    app.get(`${prefix}/models`, listModels, { detail: { summary: "Public model names", tags: ["proxy"] } });
  }
  return app;
}
