import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, RequestPeek, UpstreamTarget } from "../../core/wire-protocol.ts";

export function peekRequest(body: JsonObject): RequestPeek {
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw new GatewayError("bad_request", "you must provide a model parameter", { param: "model" });
  }
  if (!Array.isArray(body.messages)) {
    throw new GatewayError("bad_request", "'messages' is a required property and must be an array", { param: "messages" });
  }
  return { model, stream: body.stream === true };
}

/** Rewrites the model and asks for usage in streams so it can be logged. */
export function prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject {
  const prepared: JsonObject = { ...body, model: target.model };
  if (target.stream) {
    const options = (body.stream_options ?? {}) as JsonObject;
    prepared.stream_options = { ...options, include_usage: true };
  }
  return prepared;
}

export function upstreamEndpoint(target: UpstreamTarget) {
  return {
    url: `${target.baseUrl.replace(/\/+$/, "")}/chat/completions`,
    headers: { authorization: `Bearer ${target.apiKey}` },
  };
}
