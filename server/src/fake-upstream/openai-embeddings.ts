/**
 * OpenAI embeddings responder (`POST /v1/embeddings`).
 *
 * Input: a string, an array of strings, a token array or an array of token arrays (an empty
 * input is a 400, as OpenAI answers). Each input gets a deterministic unit vector of 8
 * dimensions (or `dimensions`, at most 4096) derived from its text by hashing, so the same
 * text always yields the same vector on every fake. `encoding_format: "base64"` returns the
 * vectors as base64 of little-endian float32s (what the openai SDK asks for by default).
 * Usage: prompt_tokens = the text.ts estimate per input (a token array counts its length).
 *
 * Faults: status, retry-after, hang, first-byte-delay and cut-after (half a body) apply; the
 * stream-only ones are ignored.
 */
import { type Faults, jsonAnswer, leadingFaults } from "./faults.ts";
import { openaiJsonBody } from "./openai-auth.ts";
import { OPENAI_FAULT_ANSWERS, openaiErrorResponse } from "./openai-errors.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { approxTokens } from "./text.ts";

const DEFAULT_DIMENSIONS = 8;
const MAX_DIMENSIONS = 4096;

export const openaiEmbeddingsRoutes: readonly FakeRoute[] = [
  { method: "POST", paths: ["/v1/embeddings"], handle: handleEmbeddings },
];

async function handleEmbeddings(request: Request, context: FakeRequestContext): Promise<Response> {
  const body = await openaiJsonBody(request, context);
  if (body instanceof Response) return body;
  const { model, input, dimensions, encoding_format: encodingFormat } = body;
  if (typeof model !== "string" || model === "") return openaiErrorResponse(400, "You must provide a model parameter.", { param: "model" });
  const faults = await leadingFaults(request, model, OPENAI_FAULT_ANSWERS, context);
  if (faults instanceof Response) return faults;

  const inputs = readInputs(input);
  if (inputs === undefined) return openaiErrorResponse(400, "'input' must be a non-empty string, array of strings or array of tokens.", { param: "input" });
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > MAX_DIMENSIONS)) {
    return openaiErrorResponse(400, `'dimensions' must be a whole number from 1 to ${MAX_DIMENSIONS}.`, { param: "dimensions" });
  }
  const size = (dimensions as number | undefined) ?? DEFAULT_DIMENSIONS;
  const base64 = encodingFormat === "base64";
  let promptTokens = 0;
  const data = inputs.map((item, index) => {
    promptTokens += item.tokens;
    const vector = fakeEmbedding(item.text, size);
    return { object: "embedding", index, embedding: base64 ? float32Base64(vector) : vector };
  });
  return jsonAnswer(JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }), faults);
}

interface EmbeddingInput {
  /** What the vector is derived from (token arrays as their comma-joined ids). */
  text: string;
  tokens: number;
}

function readInputs(input: unknown): EmbeddingInput[] | undefined {
  const one = (item: unknown): EmbeddingInput | undefined => {
    if (typeof item === "string") return { text: item, tokens: approxTokens(item.length) };
    if (Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token))) return { text: item.join(","), tokens: item.length };
    return undefined;
  };
  if (typeof input === "string") return [one(input)!];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  // A flat array of integers is one tokenised input; otherwise each element is an input.
  if (input.every((token) => Number.isInteger(token))) return [one(input)!];
  const items = input.map(one);
  return items.every((item) => item !== undefined) ? (items as EmbeddingInput[]) : undefined;
}

/** A unit vector from FNV-1a hashes of the text, one per dimension: stable across runs and processes. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    let hash = 0x811c9dc5 ^ i;
    for (let j = 0; j < text.length; j++) hash = Math.imul(hash ^ text.charCodeAt(j), 0x01000193);
    hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
    const value = ((hash >>> 0) / 0xffffffff) * 2 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
  // Rounded through float32 so float and base64 answers carry the same numbers.
  return vector.map((value) => Math.fround(value * scale));
}

function float32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i], true);
  return Buffer.from(bytes).toString("base64");
}
