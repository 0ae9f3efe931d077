import type { JsonObject } from "../core/wire-protocol.ts";
import { logger } from "../lib/logger.ts";
import type { BodyCapture } from "../observability/body-capture.ts";
import type { InFlightTracker } from "../observability/in-flight.ts";
import type { RequestSpan } from "../observability/tracing.ts";

/**
 * The end of one client request, whichever path it took: its in-flight entry is removed, its
 * trace span ended and its captured bodies saved, once. (Each attempt's own end — lease and log row — is failover's.)
 */
export class RequestEnd {
  private ended = false;
  /** The answer as it went out, while body capture is on (decided once the request is under way). */
  capture: { response: string } | undefined;

  constructor(
    private readonly deps: { inFlight: InFlightTracker; bodyCapture: BodyCapture },
    private readonly traceId: string,
    private readonly requestBody: JsonObject,
    private readonly span: RequestSpan,
    /** Called with the captured answer when capture is on (the span's prompt and completion). */
    private readonly captured?: (response: string) => void,
  ) {}

  /** Ends the request; `responseBody` replaces the captured answer (a whole upstream body). */
  done(responseBody?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.inFlight.end(this.traceId);
    const capture = this.capture;
    if (capture) this.captured?.(responseBody ?? capture.response);
    this.span.end();
    if (!capture) return;
    const { traceId, requestBody } = this;
    // Async, so that a body JSON cannot encode (nested too deeply) fails the capture, not the request.
    (async () => this.deps.bodyCapture.save(traceId, JSON.stringify(requestBody), responseBody ?? capture.response))().catch((error) => {
      logger.error("saving captured bodies failed", { traceId, error: (error as Error)?.message ?? String(error) });
    });
  }
}
