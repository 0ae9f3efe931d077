import type { ToolConnection } from "./types.ts";

/** A base URL reduced to the gateway root it names: no trailing slash, no `/v1`. */
export function gatewayRootOf(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** Whether the app's connection already goes to this gateway (with or without `/v1`). */
export function pointsAtGateway(connection: ToolConnection | undefined, gatewayUrl: string): boolean {
  return connection !== undefined && gatewayRootOf(connection.baseUrl) === gatewayRootOf(gatewayUrl);
}

/**
 * The model new chats should use: the app's current one when the gateway serves it (the user
 * chose it), else the gateway's first model; undefined when the gateway listed none.
 */
export function chooseDefaultModel(models: string[], current?: string): string | undefined {
  if (current && models.includes(current)) return current;
  return models[0];
}

/** "3 models, new chats use chat-model", for the prompt's result line. */
export function describeModels(models: string[], model: string | undefined): string {
  if (!model) return "the gateway listed no models for this key";
  return `${models.length} model${models.length === 1 ? "" : "s"}, new chats use ${model}`;
}
