/**
 * The protocol test kit: one way for every test to run a stream transform, parse SSE, read a
 * streamed body, check a canonical stream's grammar (and Anthropic's and Responses' wire grammar),
 * and load fixtures and captures. Test-only: nothing in the gateway imports it.
 */
export { anthropicStreamProblems } from "./anthropic-grammar.ts";
export { CAPTURES_DIRECTORY, loadFixture, readCapture, sseFixture } from "./fixtures.ts";
export { type Json, type JsonFrame, jsonOrText } from "./json.ts";
export { pipe } from "./pipe.ts";
export { decodeSse, ndjsonLines, readSse, readSseData, readSseJson, sseEvents } from "./read-body.ts";
export { responsesStreamProblems } from "./responses-grammar.ts";
export { parseSse, parseSseJson, sseText, toJsonFrames } from "./sse.ts";
export { streamProblems } from "./stream-grammar.ts";
