import type { ToolCallTestEvent } from "@llmio/contract";

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
