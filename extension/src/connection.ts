import { GatewayError, type GatewayClient } from "./api/client.ts";
import type { Status } from "@llmio/contract";

/** What the extension knows about the gateway and the credential after one probe. */
export type Connection =
  | { kind: "down"; message: string }
  | { kind: "slow"; message: string }
  /** The gateway answers, but the credential is missing or refused. */
  | { kind: "unauthorized"; reason: "missing" | "rejected"; message: string }
  | { kind: "error"; message: string }
  | { kind: "admin"; status: Status }
  /** A client key: only the proxy API, so up/down and the models it may use. */
  | { kind: "client"; models: string[] };

/**
 * Finds out whether the gateway is up and what the credential may do: the admin API first,
 * then (on 401) the proxy API as a client key. A client key is asked only once per probe.
 */
export async function probeGateway(client: GatewayClient): Promise<Connection> {
  try {
    if (!client.hasCredential) {
      await client.liveness();
      return { kind: "unauthorized", reason: "missing", message: "no token set" };
    }
    try {
      return { kind: "admin", status: await client.status() };
    } catch (error) {
      if (!(error instanceof GatewayError) || error.kind !== "unauthorized") throw error;
    }
    try {
      return { kind: "client", models: await client.clientModels() };
    } catch (error) {
      if (error instanceof GatewayError && error.kind === "unauthorized") {
        return { kind: "unauthorized", reason: "rejected", message: error.message };
      }
      throw error;
    }
  } catch (error) {
    return connectionFromError(error);
  }
}

/** Maps a failed call to the connection state it reveals. */
export function connectionFromError(error: unknown): Connection {
  if (!(error instanceof GatewayError)) return { kind: "error", message: String((error as Error)?.message ?? error) };
  switch (error.kind) {
    case "down":
      return { kind: "down", message: error.message };
    case "timeout":
      return { kind: "slow", message: error.message };
    case "unauthorized":
      return { kind: "unauthorized", reason: "rejected", message: error.message };
    default:
      return { kind: "error", message: error.message };
  }
}
