/** A captured request and answer, read for people (see pretty-body.ts). */

/** One piece of a message. */
export type ExchangePart =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  | { kind: "tool-call"; name: string; id?: string; arguments: string }
  | { kind: "tool-result"; id?: string; name?: string; text: string }
  | { kind: "media"; label: string };

export interface ExchangeMessage {
  /** user, assistant, tool, developer … as the protocol names it. */
  role: string;
  parts: ExchangePart[];
}

export interface ExchangeTool {
  name: string;
  description?: string;
}

/** The request as the client sent it. */
export interface ExchangeRequest {
  system?: string;
  messages: ExchangeMessage[];
  tools: ExchangeTool[];
  /** Everything else the client set (model, temperature, max tokens …), values as short text. */
  parameters: Array<[name: string, value: string]>;
}

export interface ExchangeUsage {
  input?: number;
  output?: number;
  cached?: number;
  reasoning?: number;
  total?: number;
}

/** The answer, assembled from a whole response or from the events of a stream. */
export interface ExchangeAnswer {
  streamed: boolean;
  /** Stream events read (0 for a whole response). */
  events: number;
  text: string;
  reasoning: string;
  toolCalls: Array<{ name: string; id?: string; arguments: string }>;
  usage?: ExchangeUsage;
  finishReason?: string;
  error?: string;
}
