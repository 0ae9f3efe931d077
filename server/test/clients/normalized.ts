/** What any client protocol's answer boils down to, so one assertion fits all four. */
export interface NormalizedAnswer {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: unknown }>;
  /** Mapped to the canonical names: stop | length | tool-calls | other. */
  finishReason: string;
  inputTokens: number;
  outputTokens: number;
  traceId?: string | null;
}

export type Scenario = "text" | "tool" | "image";

/** A 1×1 transparent PNG. */
export const PIXEL_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};

export function promptOf(scenario: Scenario): string {
  if (scenario === "tool") return "what is the weather in Paris";
  if (scenario === "image") return "describe this picture";
  return "hello matrix";
}

export interface ClientCall {
  baseUrl: string;
  apiKey: string;
  model: string;
  scenario: Scenario;
  stream: boolean;
}

export type ClientAdapter = (call: ClientCall) => Promise<NormalizedAnswer>;
