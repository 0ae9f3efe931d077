/**
 * The fake upstream: a deterministic fake LLM provider with fault injection, for tests,
 * demos and as the benchmark baseline. Fault syntax: faults.ts; answer and usage rules: text.ts.
 */
export { runFakeUpstreamCli } from "./cli.ts";
export { FAULT_HEADER, type Faults, parseFaults } from "./faults.ts";
export { FAKE_MODEL_IDS } from "./openai-models.ts";
export { type FakeUpstream, type FakeUpstreamOptions, type RecordedRequest, startFakeUpstream } from "./server.ts";
export type { ReceivedRequest, RedirectTarget } from "./redirect-target.ts";
export { answerChunks, approxTokens, echoAnswer, LOREM_WORDS, loremAnswer } from "./text.ts";
