import { logger } from "../lib/logger.ts";
import type { GatewaySettings, SettingsStore } from "../routing/settings.ts";
import { createTracing, NOOP_TRACING, tracingConfigured, type RequestSpan, type RequestSpanStart, type Tracing } from "./tracing.ts";

/**
 * Tracing configured by the OTEL_* environment when it is set, else by the admin settings
 * (endpoint, headers, sample ratio), rebuilt when those change: the old exporter flushes and
 * stops, the new one takes the next requests. Off, requests meet the no-op singleton.
 */
export class SettingsTracing implements Tracing {
  private current: Tracing = NOOP_TRACING;
  private appliedFor: string | undefined;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly onDropped: (spans: number) => void,
  ) {}

  /** Whether the environment decides (settings are then not used). */
  get fromEnvironment(): boolean {
    return tracingConfigured(this.env);
  }

  get enabled(): boolean {
    return this.current.enabled;
  }

  request(start: RequestSpanStart): RequestSpan {
    return this.current.request(start);
  }

  flush(): Promise<void> {
    return this.current.flush();
  }

  /** Applies the settings now and again whenever they change (here or on another instance); resolves once tracing serves. */
  follow(settings: Pick<SettingsStore, "get" | "onChange">): Promise<void> {
    settings.onChange(() => void settings.get().then((current) => this.apply(current)));
    return settings.get().then((current) => this.apply(current));
  }

  /** Builds the tracing the environment or these settings ask for, if that changed; resolves once it serves. */
  apply(settings: Pick<GatewaySettings, "tracingEndpoint" | "tracingHeaders" | "tracingSampleRatio">): Promise<void> {
    const env = this.fromEnvironment ? this.env : settingsEnvironment(settings);
    const key = JSON.stringify(env === this.env ? "environment" : env);
    if (key === this.appliedFor) return this.applying;
    this.appliedFor = key;
    this.applying = this.applying.then(async () => {
      const next = await createTracing(env, { onDropped: this.onDropped }).catch((error) => {
        logger.error("tracing could not start; spans are not exported", { error: (error as Error)?.message ?? String(error) });
        return NOOP_TRACING;
      });
      const previous = this.current;
      this.current = next;
      await previous.shutdown();
    });
    return this.applying;
  }

  async shutdown(): Promise<void> {
    await this.applying;
    await this.current.shutdown();
    this.current = NOOP_TRACING;
  }
}

/** The standard variables the settings stand for. */
function settingsEnvironment(settings: Pick<GatewaySettings, "tracingEndpoint" | "tracingHeaders" | "tracingSampleRatio">): Record<string, string | undefined> {
  if (!settings.tracingEndpoint) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: settings.tracingEndpoint,
    OTEL_EXPORTER_OTLP_HEADERS: settings.tracingHeaders ?? undefined,
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: String(settings.tracingSampleRatio),
  };
}
