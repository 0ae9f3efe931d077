import { Elysia } from "elysia";
import type { AuthServices } from "../app-deps.ts";
import { GatewayError } from "../core/errors.ts";
import type { RequestContext } from "../core/wire-protocol.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { Relays } from "../relay/index.ts";
import type { Catalog } from "../routing/catalog.ts";
import { geminiModel, geminiModelList } from "./model-lists.ts";
import { authenticateRequest, createProxyHandler, forbiddenModel, proxyRoute, refuse, type ProxiedCall, type ProxyContext } from "./proxy-handler.ts";

const proxyDoc = (summary: string) => ({ summary, tags: ["proxy: Gemini"] });

/** `models/{model}:{method}`: the model and the method share one path segment. */
function splitModelMethod(segment: string): { model: string; method: string } {
  const decoded = decodeURIComponent(segment);
  const colon = decoded.lastIndexOf(":");
  if (colon <= 0) throw new GatewayError("not_found", `Unknown Gemini method in "${decoded}"`);
  return { model: decoded.slice(0, colon).replace(/^models\//, ""), method: decoded.slice(colon + 1) };
}

/**
 * Gemini `generativelanguage` v1beta endpoints under `/v1beta` (so `GOOGLE_GEMINI_BASE_URL=http://host:7070`
 * works) and LLMIO's `/gemini/v1beta`. The model and the stream mode come from the URL.
 */
export function geminiProxyRoutes(relays: Relays, catalog: Catalog, auth: AuthServices) {
  const gemini = wireProtocols.gemini;
  const byMethod: Record<string, (call: ProxiedCall) => Promise<Response>> = {
    generateContent: relays.chat,
    streamGenerateContent: relays.chat,
    countTokens: relays.countTokens,
    embedContent: relays.embeddings,
    batchEmbedContents: relays.embeddings,
  };
  const contextOf = (request: Request, params: Record<string, string>): RequestContext => {
    const { model, method } = splitModelMethod(params.model);
    if (!(method in byMethod)) throw new GatewayError("not_found", `Unknown Gemini method "${method}"`);
    const stream = method === "streamGenerateContent";
    const sse = new URL(request.url).searchParams.get("alt") === "sse";
    return { model, stream, streamFormat: stream ? (sse ? "sse" : "json-array") : undefined };
  };
  const call = createProxyHandler(
    gemini,
    auth,
    (proxied, params) => byMethod[splitModelMethod(params.model).method](proxied),
    contextOf,
    // Counting tokens costs no quota.
    { free: (params) => splitModelMethod(params.model).method === "countTokens" },
  );
  const listModels = proxyRoute(async (proxyContext: ProxyContext) => {
    const principal = await authenticateRequest(gemini, proxyContext, auth);
    if (principal instanceof Response) return principal;
    return Response.json(geminiModelList(auth.clientKeys.permittedModels(principal, await catalog.models())));
  });
  const getModel = proxyRoute(async (proxyContext: ProxyContext) => {
    const principal = await authenticateRequest(gemini, proxyContext, auth);
    if (principal instanceof Response) return principal;
    const name = decodeURIComponent(proxyContext.params!.model);
    if (!auth.clientKeys.checkModel(principal, name)) return forbiddenModel(gemini, name, proxyContext, principal);
    const model = (await catalog.models()).find((candidate) => candidate.name === name);
    if (!model) {
      const authKeyId = principal.kind === "client" ? principal.key.id : undefined;
      return refuse(gemini, proxyContext, new GatewayError("not_found", `models/${name} is not found`), "unknown_model", { model: name, authKeyId });
    }
    return Response.json(geminiModel(model));
  });

  const app = new Elysia({ name: "proxy-gemini" });
  for (const prefix of ["/v1beta", "/gemini/v1beta"]) {
    app
      .get(`${prefix}/models`, listModels, { detail: proxyDoc("Public model names, Gemini shape") })
      .get(`${prefix}/models/:model`, getModel, { detail: proxyDoc("One model") });
  }
  // @google/genai 3.x defaults to API version v1, which shares `/v1/models` with OpenAI's listing.
  for (const prefix of ["/v1beta", "/gemini/v1beta", "/v1", "/gemini/v1"]) {
    app.post(`${prefix}/models/:model`, call, {
      parse: "none",
      detail: proxyDoc("generateContent, streamGenerateContent (alt=sse or JSON array), countTokens, embedContent, batchEmbedContents"),
    });
  }
  return app;
}
