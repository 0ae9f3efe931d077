import { batch, createSignal, onCleanup } from "solid-js";
import { GatewayClient, GatewayError } from "../api/client.ts";
import type { Live, Model, ProviderHealth, Status } from "@llmio/contract";
import { showBadge } from "../badge.ts";
import { connectionFromError, probeGateway, type Connection } from "../connection.ts";
import type { Settings } from "../settings.ts";
import { badgeFor, summarize } from "../status.ts";

/** The popup polls while it is open; every few ticks it also re-reads the (slower-changing) model list. */
export const POLL_MS = 2500;
const MODELS_EVERY = 4;

/**
 * The gateway as the popup sees it, kept fresh by polling: cheap calls every tick (status,
 * live, provider health), the model list now and then and after every change. A failed
 * poll keeps the last numbers on screen (marked stale) and never throws into the UI.
 */
export function createGatewayState(settings: Pick<Settings, "gatewayUrl" | "credential">, pollMs = POLL_MS) {
  const client = new GatewayClient({ baseUrl: settings.gatewayUrl, credential: settings.credential });
  const [connection, setConnection] = createSignal<Connection>();
  const [status, setStatus] = createSignal<Status>();
  const [live, setLive] = createSignal<Live>();
  const [providers, setProviders] = createSignal<ProviderHealth[]>([]);
  const [models, setModels] = createSignal<Model[]>([]);
  const [updatedAt, setUpdatedAt] = createSignal<number>();
  const [stale, setStale] = createSignal(false);

  let ticks = 0;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function poll(withModels: boolean): Promise<void> {
    const known = connection();
    // A client key only ever sees the proxy API: ask that alone.
    if (known?.kind === "client") {
      try {
        const models = await client.clientModels();
        batch(() => {
          setConnection({ kind: "client", models });
          setUpdatedAt(Date.now());
          setStale(false);
        });
      } catch (error) {
        failed(error);
      }
      return;
    }
    // Without an admin connection, find out again what the credential may do.
    if (known?.kind !== "admin") {
      const probed = await probeGateway(client);
      batch(() => {
        setConnection(probed);
        if (probed.kind === "admin") setStatus(probed.status);
        setStale(probed.kind !== "admin" && probed.kind !== "client" && updatedAt() !== undefined);
      });
      if (probed.kind !== "admin") {
        if (probed.kind === "client") setUpdatedAt(Date.now());
        return;
      }
      withModels = true;
    }
    try {
      const [nextStatus, nextLive, nextProviders, nextModels] = await Promise.all([
        client.status(),
        client.live(),
        client.providerHealth(),
        withModels ? client.models() : Promise.resolve(undefined),
      ]);
      batch(() => {
        setConnection({ kind: "admin", status: nextStatus });
        setStatus(nextStatus);
        setLive(nextLive);
        setProviders(nextProviders);
        if (nextModels) setModels(nextModels);
        setUpdatedAt(Date.now());
        setStale(false);
      });
    } catch (error) {
      failed(error);
    }
  }

  /** A poll failed: say why, and keep the last numbers shown as stale. */
  function failed(error: unknown): void {
    batch(() => {
      setConnection(connectionFromError(error));
      setStale(true);
    });
  }

  /** One poll at a time; a tick that finds one still running is skipped. */
  function refresh(withModels = false): Promise<void> {
    if (running) return running;
    running = poll(withModels)
      .then(() => paintBadge())
      .finally(() => (running = undefined));
    return running;
  }

  function paintBadge() {
    const current = connection();
    if (!current) return;
    void showBadge(badgeFor(current, summarize(current, providers()))).catch(() => undefined);
  }

  /**
   * Runs a change against the gateway, then re-reads everything so the popup shows what the
   * gateway now does. Rejects with a readable message.
   */
  async function change(action: (client: GatewayClient) => Promise<unknown>): Promise<void> {
    try {
      await action(client);
    } catch (error) {
      throw new Error(error instanceof GatewayError ? error.message : String(error));
    } finally {
      await running;
      await refresh(true);
    }
  }

  const timer = setInterval(() => {
    if (stopped) return;
    ticks += 1;
    void refresh(ticks % MODELS_EVERY === 0);
  }, pollMs);
  onCleanup(() => {
    stopped = true;
    clearInterval(timer);
  });
  void refresh(true);

  return { client, connection, status, live, providers, models, updatedAt, stale, refresh, change };
}

export type GatewayState = ReturnType<typeof createGatewayState>;
