/** One client request the gateway is working on right now. */
export interface InFlightRequest {
  traceId: string;
  model: string;
  clientProtocol: string;
  stream: boolean;
  startedAt: number;
  clientIp?: string;
  userAgent?: string;
  /** The provider of the attempt under way, once one is admitted. */
  providerName?: string;
}

/** The requests in flight, for the dashboard's live panel and the extension's status. */
export class InFlightTracker {
  private readonly requests = new Map<string, InFlightRequest>();

  start(request: InFlightRequest): void {
    this.requests.set(request.traceId, request);
  }

  attempt(traceId: string, providerName: string): void {
    const request = this.requests.get(traceId);
    if (request) request.providerName = providerName;
  }

  end(traceId: string): void {
    this.requests.delete(traceId);
  }

  get size(): number {
    return this.requests.size;
  }

  list(): InFlightRequest[] {
    return [...this.requests.values()];
  }
}
