/** What the admin API answers for an association test (POST /api/model-providers/:id/test, /api/models/:id/test). */
export interface AssociationTestResult {
  associationId: number;
  providerId: number;
  providerName: string;
  providerModel: string;
  ok: boolean;
  latencyMs: number;
  /** The upstream's HTTP status; null when no answer came. */
  status: number | null;
  answer?: string;
  error?: string;
}

/** One turn of the tool-call test's conversation. */
export interface TranscriptEntry {
  role: "user" | "assistant" | "tool";
  text?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
}

/** One line of the tool-call test's NDJSON stream (POST /api/model-providers/:id/tool-test). */
export type ToolCallTestEvent =
  | { type: "step-start"; step: number; title: string }
  | { type: "step-end"; step: number; ok: boolean; latencyMs: number; status: number | null; detail: string; transcript: TranscriptEntry[] }
  | { type: "result"; ok: boolean; detail: string; transcript: TranscriptEntry[] };

/** Each complete line of an NDJSON body, parsed, as it arrives. */
export async function* ndjsonLines<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
    if (done) break;
  }
  if (buffered.trim()) yield JSON.parse(buffered) as T;
}

/** A step of the tool-call test as the dialog shows it: running until its end arrives. */
export interface ToolTestStep {
  step: number;
  title: string;
  state: "running" | "passed" | "failed";
  latencyMs?: number;
  status?: number | null;
  detail?: string;
}

/** The steps so far after one more event. */
export function applyToolEvent(steps: ToolTestStep[], event: ToolCallTestEvent): ToolTestStep[] {
  if (event.type === "step-start") return [...steps, { step: event.step, title: event.title, state: "running" }];
  if (event.type === "step-end") {
    return steps.map((step) =>
      step.step === event.step ? { ...step, state: event.ok ? "passed" : "failed", latencyMs: event.latencyMs, status: event.status, detail: event.detail } : step,
    );
  }
  return steps;
}
