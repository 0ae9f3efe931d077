import type { CanonicalRequest, Message, Tool, ToolCallPart } from "../core/canonical.ts";
import { answerText, callAssociation, type AssociationUnderTest } from "./association-test.ts";

/** The function the model is given; a real model fills `location` from the question. */
export const WEATHER_TOOL: Tool = {
  type: "function",
  name: "get_weather",
  description: "Get the current weather for a city. Always call this to answer a question about the weather.",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "The city name, e.g. Paris" } },
    required: ["location"],
  },
};

const SYSTEM = "You are testing tool use. When asked about the weather, call get_weather with the city name; do not guess the weather.";
const FIRST_CITY = "Paris";
const SECOND_CITY = "Tokyo";
/** Enough for a tool call or a short sentence, with room for a reasoning model's thinking. */
const MAX_OUTPUT_TOKENS = 512;

/** A turn of the conversation as the UI shows it. */
export interface TranscriptEntry {
  role: "user" | "assistant" | "tool";
  text?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
}

/** Progress of a tool-call test, one line of NDJSON each, in order. */
export type ToolCallTestEvent =
  | { type: "step-start"; step: number; title: string }
  | { type: "step-end"; step: number; ok: boolean; latencyMs: number; status: number | null; detail: string; transcript: TranscriptEntry[] }
  | { type: "result"; ok: boolean; detail: string; transcript: TranscriptEntry[] };

interface Step {
  title: string;
  /** What the model must do to pass: call the tool for this city, or answer with text after a tool result. */
  expect: { call: string } | { text: true };
  /** Appended to the conversation before the call. */
  append: Message[];
}

/**
 * LLMIO-style tool-call test, three calls: ask Paris's weather (the model must call
 * `get_weather` with Paris), send the tool's result (the model answers from it), ask
 * Tokyo's (it must call again, now with Tokyo). One city per question so any model
 * that can use tools passes; a fake or a model that repeats its first arguments fails.
 * Runs as the relay calls the association (`callAssociation`), so its settings apply.
 * `onAnswered` is told of a pass, like a successful connection test.
 */
export async function* runToolCallTest(
  target: AssociationUnderTest,
  timeoutMs: number,
  onAnswered?: (providerId: number, apiKey: string) => Promise<void>,
): AsyncGenerator<ToolCallTestEvent> {
  const transcript: TranscriptEntry[] = [];
  const { apiKey } = target;
  if (apiKey === undefined) {
    yield { type: "result", ok: false, detail: "the provider has no API key", transcript };
    return;
  }
  const messages: Message[] = [];
  let firstCallId = "";
  const steps: Array<() => Step> = [
    () => ({ title: `Ask the weather in ${FIRST_CITY}: expect get_weather(${FIRST_CITY})`, expect: { call: FIRST_CITY }, append: [userText(`What is the weather in ${FIRST_CITY} right now?`)] }),
    () => ({
      title: "Send the tool result: expect an answer that uses it",
      expect: { text: true },
      append: [{ role: "tool", content: [{ type: "tool-result", callId: firstCallId, name: WEATHER_TOOL.name, content: [{ type: "text", text: JSON.stringify({ location: FIRST_CITY, temperature_c: 18, conditions: "cloudy" }) }] }] }],
    }),
    () => ({ title: `Ask the weather in ${SECOND_CITY}: expect get_weather(${SECOND_CITY})`, expect: { call: SECOND_CITY }, append: [userText(`Thanks. And what is the weather in ${SECOND_CITY}?`)] }),
  ];

  for (const [index, makeStep] of steps.entries()) {
    const stepNumber = index + 1;
    const step = makeStep();
    yield { type: "step-start", step: stepNumber, title: step.title };
    messages.push(...step.append);
    for (const message of step.append) transcript.push(transcriptEntry(message));
    const request: CanonicalRequest = {
      model: target.candidate.providerModel,
      system: [{ type: "text", text: SYSTEM }],
      messages: [...messages],
      tools: [WEATHER_TOOL],
      toolChoice: "auto",
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      stream: false,
      extras: {},
    };
    const call = await callAssociation({ ...target, apiKey }, request, timeoutMs);
    if (!call.ok) {
      yield { type: "step-end", step: stepNumber, ok: false, latencyMs: call.latencyMs, status: call.status, detail: call.error, transcript: [...transcript] };
      yield { type: "result", ok: false, detail: `step ${stepNumber} failed: ${call.error}`, transcript };
      return;
    }
    // Reasoning parts stay in the conversation: some vendors need their signatures replayed.
    const reply: Message = { role: "assistant", content: call.response.content };
    messages.push(reply);
    transcript.push(transcriptEntry(reply));
    const verdict = judge(step, call.response.content.filter((part): part is ToolCallPart => part.type === "tool-call"), answerText(call.response));
    if (verdict.callId) firstCallId ||= verdict.callId;
    yield { type: "step-end", step: stepNumber, ok: verdict.ok, latencyMs: call.latencyMs, status: call.status, detail: verdict.detail, transcript: [...transcript] };
    if (!verdict.ok) {
      yield { type: "result", ok: false, detail: `step ${stepNumber} failed: ${verdict.detail}`, transcript };
      return;
    }
  }
  await onAnswered?.(target.candidate.providerId, apiKey);
  yield { type: "result", ok: true, detail: `get_weather was called for ${FIRST_CITY} and then for ${SECOND_CITY} with the right arguments`, transcript };
}

/** Whether the model did what the step asks, and why not in words. */
export function judge(step: Pick<Step, "expect">, calls: ToolCallPart[], text: string): { ok: boolean; detail: string; callId?: string } {
  if ("text" in step.expect) {
    if (calls.length > 0) return { ok: false, detail: `expected an answer from the tool result, got another call: ${calls.map(describeCall).join(", ")}` };
    return text.trim() ? { ok: true, detail: "answered from the tool result" } : { ok: false, detail: "the model answered with no text" };
  }
  const city = step.expect.call;
  if (calls.length === 0) return { ok: false, detail: `expected a call get_weather(${city}), got text: ${JSON.stringify(text.slice(0, 200))}` };
  const right = calls.find((call) => call.name === WEATHER_TOOL.name && locationOf(call)?.toLowerCase().includes(city.toLowerCase()));
  if (right) return { ok: true, detail: `called ${describeCall(right)}`, callId: right.id };
  return { ok: false, detail: `expected get_weather with location ${city}, got ${calls.map(describeCall).join(", ")}` };
}

function locationOf(call: ToolCallPart): string | undefined {
  try {
    const parsed = JSON.parse(call.arguments) as unknown;
    if (typeof parsed === "object" && parsed !== null && "location" in parsed && typeof parsed.location === "string") return parsed.location;
  } catch {}
  return undefined;
}

function describeCall(call: ToolCallPart): string {
  return `${call.name}(${call.arguments})`;
}

function userText(text: string): Message {
  return { role: "user", content: [{ type: "text", text }] };
}

function transcriptEntry(message: Message): TranscriptEntry {
  const text = message.content
    .map((part) => (part.type === "text" ? part.text : part.type === "tool-result" ? part.content.map((inner) => (inner.type === "text" ? inner.text : "")).join("") : ""))
    .join("");
  const toolCalls = message.content.filter((part): part is ToolCallPart => part.type === "tool-call").map((call) => ({ name: call.name, arguments: call.arguments }));
  return { role: message.role, ...(text ? { text } : {}), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}
