/**
 * Gemini `generativelanguage` responder: `POST /v1beta/models/{model}:{method}` (also under
 * `/v1`), methods
 * `generateContent`, `streamGenerateContent` (`?alt=sse` → SSE `data:` frames; without it
 * one JSON array of the same chunks), `countTokens`, `embedContent`, `batchEmbedContents`.
 * Fault directives ride on the model name in the path (`fake-model+status=500:generateContent`)
 * or the `x-fake-fault` header, as everywhere (faults.ts).
 *
 * Auth: `x-goog-api-key`, `?key=` or a bearer token (gemini-errors.ts). Text = the `text` of
 * each part (parts joined by a space for the echo); inlineData / fileData parts are accepted
 * and ignored. Prompt tokens count the system instruction, every text part and function
 * responses' output (text.ts rules). The echo uses the last user content that has text (a
 * turn holding only function responses is skipped). The reply is a functionCall instead
 * when the request declares functions, the mode is not NONE, the conversation does not end
 * with a function response (so an agent loop terminates), and one of: the user text
 * mentions "weather", the `tool` fault is set, the mode is ANY (first allowed name). The call
 * goes to the first function with `{"location":"Paris"}` and carries a thoughtSignature, as
 * Gemini 3 does; it counts 3 output tokens like the other responders' argument fragments.
 *
 * Thinking: with the `reasoning` fault, or `thinkingConfig.includeThoughts` (and a budget that
 * is not 0), the answer starts with thought parts "Thinking about: <user text>", the last one
 * carrying a thoughtSignature; their words are `thoughtsTokenCount`. `maxOutputTokens` below
 * the answer's tokens truncates a text answer with finishReason MAX_TOKENS.
 *
 * Streams: one chunk per thought word, per answer word (text.ts chunking) or for the whole
 * functionCall, each with the prompt usage; then a final chunk with an empty text part, the
 * finishReason and the full usage. `cut-after=N` drops the connection after N content chunks
 * (so no finishReason arrives); `error-frame` sends one `{"error":…}` chunk.
 */
import { type Faults, jsonAnswer, leadingFaults, pacedStream, type StreamPlan } from "./faults.ts";
import { GEMINI_FAULT_ANSWERS, googleErrorJson, googleErrorResponse, rejectBadGoogleKey } from "./gemini-errors.ts";
import { MODEL_PATH } from "./gemini-models.ts";
import { fakeEmbedding } from "./openai-embeddings.ts";
import { isObject, type JsonObject } from "./json.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { answerChunks, approxTokens, echoAnswer, loremAnswer, toolInput } from "./text.ts";
import { structuredAnswer } from "./structured.ts";

const TOOL_TOKENS = 3;
const DEFAULT_DIMENSIONS = 8;
const MAX_DIMENSIONS = 3072;
const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const ERROR_FRAME_JSON = googleErrorJson(500, "Fake upstream fault: error frame");
const METHODS = new Set(["generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents"]);

// @google/genai 3.x defaults to the v1 API, Gemini CLI (SDK 1.x) to v1beta.
export const geminiRoutes: readonly FakeRoute[] = [
  { method: "POST", paths: [MODEL_PATH, "/v1/models/:name"], handle: handleModelCall },
];

interface Call {
  model: string;
  method: string;
  url: URL;
  body: JsonObject;
  faults: Readonly<Faults>;
}

/** Auth, path, body and faults; a Response when the request ends here. */
async function begin(request: Request, context: FakeRequestContext): Promise<Response | Call> {
  const url = new URL(request.url);
  const rejected = rejectBadGoogleKey(request, url);
  if (rejected) return rejected;
  const target = decodeURIComponent(url.pathname.slice(url.pathname.indexOf("/models/") + "/models/".length));
  const colon = target.lastIndexOf(":");
  const model = (colon < 0 ? target : target.slice(0, colon)).replace(/^models\//, "");
  const method = colon < 0 ? "" : target.slice(colon + 1);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return googleErrorResponse(400, "Invalid JSON payload received. Unexpected token.");
  }
  context.recordBody(body);
  if (!METHODS.has(method)) return googleErrorResponse(404, `Method not found: models/${model}:${method}`);
  if (!isObject(body)) return googleErrorResponse(400, "Invalid JSON payload received. Expected an object.");
  const faults = await leadingFaults(request, model, GEMINI_FAULT_ANSWERS, context);
  if (faults instanceof Response) return faults;
  return { model, method, url, body, faults };
}

async function handleModelCall(request: Request, context: FakeRequestContext): Promise<Response> {
  const call = await begin(request, context);
  if (call instanceof Response) return call;
  switch (call.method) {
    case "countTokens":
      return countTokens(call);
    case "embedContent":
    case "batchEmbedContents":
      return embed(call);
    default:
      return generate(call, context.seq, request.signal);
  }
}

// ---------------------------------------------------------------- generation

interface Generation {
  responseId: string;
  model: string;
  promptTokens: number;
  thought?: { chunks: readonly string[]; signature: string };
  reply: { kind: "text"; chunks: readonly string[] } | { kind: "tool"; name: string; signature: string; args: JsonObject };
  finishReason: "STOP" | "MAX_TOKENS";
  candidatesTokens: number;
  thoughtsTokens: number;
}

function generate(call: Call, seq: number, signal: AbortSignal): Response {
  const { body, faults } = call;
  if (!Array.isArray(body.contents)) return googleErrorResponse(400, "* GenerateContentRequest.contents: contents is not specified\n");
  const stream = call.method === "streamGenerateContent";
  const sse = call.url.searchParams.get("alt") === "sse";
  if (stream && faults.errorFrame) {
    const frames = sse ? [`data: ${ERROR_FRAME_JSON}\r\n\r\n`] : ["[", ERROR_FRAME_JSON, "]"];
    return new Response(pacedStream({ frames, firstContent: frames.length, contentCount: 0 }, faults, signal), {
      headers: sse ? SSE_HEADERS : JSON_HEADERS,
    });
  }
  const generation = buildGeneration(body, body.contents, call.model, faults, seq);
  if (!stream) return jsonAnswer(JSON.stringify(responseObject(generation)), faults, JSON_HEADERS);
  const plan = streamPlan(generation, sse);
  return new Response(pacedStream(plan, faults, signal), { headers: sse ? SSE_HEADERS : JSON_HEADERS });
}

function buildGeneration(body: JsonObject, contents: readonly unknown[], model: string, faults: Readonly<Faults>, seq: number): Generation {
  const userText = lastUserText(contents);
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const thought = buildThought(config, faults, userText, seq);
  const thoughtsTokens = thought?.chunks.length ?? 0;
  const base = {
    responseId: `fakeGemini${seq}`,
    model,
    promptTokens: approxTokens(promptChars(body.systemInstruction, contents)),
    thought,
    thoughtsTokens,
  };
  const toolName = chooseTool(body, contents, faults, userText);
  if (toolName !== undefined) {
    const signature = Buffer.from(JSON.stringify({ seq, call: toolName })).toString("base64");
    return { ...base, reply: { kind: "tool", name: toolName, signature, args: JSON.parse(toolInput(faults.placeArgs, userText).json) as JsonObject }, finishReason: "STOP", candidatesTokens: TOOL_TOKENS };
  }
  let chunks = answerChunks(faults.words === undefined ? (structuredAnswer(body, "gemini") ?? echoAnswer(userText)) : loremAnswer(faults.words));
  const limit = typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : Number.POSITIVE_INFINITY;
  const truncated = thoughtsTokens + chunks.length > limit;
  if (truncated) chunks = chunks.slice(0, Math.max(0, limit - thoughtsTokens));
  return { ...base, reply: { kind: "text", chunks }, finishReason: truncated ? "MAX_TOKENS" : "STOP", candidatesTokens: chunks.length };
}

function buildThought(config: JsonObject, faults: Readonly<Faults>, userText: string, seq: number): Generation["thought"] {
  const thinking = isObject(config.thinkingConfig) ? config.thinkingConfig : {};
  const requested = thinking.includeThoughts === true && thinking.thinkingBudget !== 0;
  if (!faults.reasoning && !requested) return undefined;
  const text = `Thinking about:${echoAnswer(userText).slice("Echo:".length)}`;
  // Real signatures are opaque base64; this one only needs to be recognisably fake and stable.
  return { chunks: answerChunks(text), signature: Buffer.from(JSON.stringify({ seq, thought: text })).toString("base64") };
}

function chooseTool(body: JsonObject, contents: readonly unknown[], faults: Readonly<Faults>, userText: string): string | undefined {
  const names = functionNames(body.tools);
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : {};
  const calling = isObject(toolConfig.functionCallingConfig) ? toolConfig.functionCallingConfig : {};
  const mode = typeof calling.mode === "string" ? calling.mode.toUpperCase() : "AUTO";
  if (names.length === 0 || mode === "NONE" || endsWithFunctionResponse(contents)) return undefined;
  if (mode === "ANY") {
    const allowed = Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames.filter((name) => typeof name === "string") : [];
    return (allowed[0] as string | undefined) ?? names[0];
  }
  if (faults.tool || userText.toLowerCase().includes("weather")) return names[0];
  return undefined;
}

function functionNames(tools: unknown): string[] {
  const names: string[] = [];
  if (!Array.isArray(tools)) return names;
  for (const tool of tools) {
    if (!isObject(tool) || !Array.isArray(tool.functionDeclarations)) continue;
    for (const declaration of tool.functionDeclarations) {
      if (isObject(declaration) && typeof declaration.name === "string") names.push(declaration.name);
    }
  }
  return names;
}

function partsOf(content: unknown): JsonObject[] {
  return isObject(content) && Array.isArray(content.parts) ? content.parts.filter(isObject) : [];
}

function endsWithFunctionResponse(contents: readonly unknown[]): boolean {
  return partsOf(contents.at(-1)).some((part) => isObject(part.functionResponse));
}

function lastUserText(contents: readonly unknown[]): string {
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (!isObject(content) || content.role === "model") continue;
    const texts = partsOf(content)
      .filter((part) => typeof part.text === "string" && part.thought !== true)
      .map((part) => part.text as string);
    if (texts.length > 0) return texts.join(" ");
  }
  return "";
}

/** The text of a function response: its `output` / `result` / `error` string, else its JSON. */
function functionResponseText(response: unknown): string {
  if (!isObject(response)) return "";
  for (const key of ["output", "result", "error"]) if (typeof response[key] === "string") return response[key] as string;
  return JSON.stringify(response);
}

function promptChars(system: unknown, contents: readonly unknown[]): number {
  let chars = typeof system === "string" ? system.length : 0;
  for (const part of partsOf(system)) if (typeof part.text === "string") chars += part.text.length;
  for (const content of contents) {
    for (const part of partsOf(content)) {
      if (typeof part.text === "string") chars += part.text.length;
      else if (isObject(part.functionResponse)) chars += functionResponseText(part.functionResponse.response).length;
    }
  }
  return chars;
}

// ---------------------------------------------------------------- wire shapes

function usageObject(generation: Generation, final: boolean): JsonObject {
  const { promptTokens, candidatesTokens, thoughtsTokens } = generation;
  const usage: JsonObject = { promptTokenCount: promptTokens };
  if (final) usage.candidatesTokenCount = candidatesTokens;
  usage.totalTokenCount = promptTokens + thoughtsTokens + (final ? candidatesTokens : 0);
  usage.promptTokensDetails = [{ modality: "TEXT", tokenCount: promptTokens }];
  if (thoughtsTokens > 0) usage.thoughtsTokenCount = thoughtsTokens;
  return usage;
}

function replyPart(generation: Generation, text?: string): JsonObject {
  const { reply } = generation;
  if (reply.kind === "tool") return { functionCall: { name: reply.name, args: reply.args }, thoughtSignature: reply.signature };
  return { text: text ?? reply.chunks.join("") };
}

function responseObject(generation: Generation): JsonObject {
  const parts: JsonObject[] = [];
  const { thought } = generation;
  if (thought) parts.push({ text: thought.chunks.join(""), thought: true, thoughtSignature: thought.signature });
  parts.push(replyPart(generation));
  return {
    candidates: [{ content: { parts, role: "model" }, finishReason: generation.finishReason, index: 0 }],
    usageMetadata: usageObject(generation, true),
    modelVersion: generation.model,
    responseId: generation.responseId,
  };
}

/**
 * All chunks of the stream, built from string templates (only each part is serialized),
 * framed as SSE events or as the elements of one JSON array.
 */
function streamPlan(generation: Generation, sse: boolean): StreamPlan {
  const head = '{"candidates":[{"content":{"parts":[';
  const tail = `],"role":"model"},"index":0}],"usageMetadata":${JSON.stringify(usageObject(generation, false))},"modelVersion":${JSON.stringify(generation.model)},"responseId":"${generation.responseId}"}`;
  const chunks: string[] = [];
  const { thought, reply } = generation;
  if (thought) {
    thought.chunks.forEach((text, position) => {
      const last = position === thought.chunks.length - 1;
      chunks.push(`${head}${JSON.stringify(last ? { text, thought: true, thoughtSignature: thought.signature } : { text, thought: true })}${tail}`);
    });
  }
  if (reply.kind === "text") for (const text of reply.chunks) chunks.push(`${head}${JSON.stringify(replyPart(generation, text))}${tail}`);
  else chunks.push(`${head}${JSON.stringify(replyPart(generation))}${tail}`);
  const contentCount = chunks.length;
  chunks.push(
    JSON.stringify({
      candidates: [{ content: { parts: [{ text: "" }], role: "model" }, finishReason: generation.finishReason, index: 0 }],
      usageMetadata: usageObject(generation, true),
      modelVersion: generation.model,
      responseId: generation.responseId,
    }),
  );
  if (sse) return { frames: chunks.map((chunk) => `data: ${chunk}\r\n\r\n`), firstContent: 0, contentCount };
  const frames = ["[", ...chunks.map((chunk, position) => (position === 0 ? chunk : `,\r\n${chunk}`)), "]"];
  // endless: after the first chunk, the first chunk again as a further array element.
  return { frames, firstContent: 1, contentCount, endless: { after: 2, frame: `,\r\n${chunks[0]}` } };
}

// ---------------------------------------------------------------- countTokens and embeddings

/** `{contents}` or `{generateContentRequest}` → the prompt tokens generateContent would report. */
function countTokens(call: Call): Response {
  const { body } = call;
  const inner = isObject(body.generateContentRequest) ? body.generateContentRequest : body;
  if (!Array.isArray(inner.contents)) return googleErrorResponse(400, "* CountTokensRequest.contents: contents is not specified\n");
  const tokens = approxTokens(promptChars(inner.systemInstruction, inner.contents));
  return jsonAnswer(JSON.stringify({ totalTokens: tokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: tokens }] }), call.faults, JSON_HEADERS);
}

/** Deterministic unit vectors (the same as the OpenAI embeddings fake's for the same text). */
function embed(call: Call): Response {
  const batch = call.method === "batchEmbedContents";
  const requests = batch ? (Array.isArray(call.body.requests) ? call.body.requests : []) : [call.body];
  if (requests.length === 0) return googleErrorResponse(400, "* BatchEmbedContentsRequest.requests: requests is not specified\n");
  const embeddings: Array<{ values: number[] }> = [];
  for (const request of requests) {
    if (!isObject(request) || !isObject(request.content)) return googleErrorResponse(400, "* EmbedContentRequest.content: content is not specified\n");
    const dimensions = request.outputDimensionality ?? DEFAULT_DIMENSIONS;
    if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      return googleErrorResponse(400, `* EmbedContentRequest.output_dimensionality: must be between 1 and ${MAX_DIMENSIONS}\n`);
    }
    const text = partsOf(request.content)
      .map((part) => (typeof part.text === "string" ? part.text : ""))
      .join("");
    embeddings.push({ values: fakeEmbedding(text, dimensions) });
  }
  return jsonAnswer(JSON.stringify(batch ? { embeddings } : { embedding: embeddings[0] }), call.faults, JSON_HEADERS);
}
