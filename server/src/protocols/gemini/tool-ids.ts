/**
 * Gemini function calls usually carry no id (Gemini CLI invents its own, other SDKs match
 * by name), while the canonical model and the other wires pair calls and results by id.
 */

/** Keeps ids inside the characters every wire accepts (`^[A-Za-z0-9_-]+$` for Anthropic). */
function idSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * The id of the n-th function call (0-based) of a request's conversation. A conversation
 * only grows at its end, so a call keeps its id from one request to the next, and ids are
 * unique within a request.
 */
export function conversationCallId(position: number, name: string): string {
  return `call_${position}_${idSafe(name)}`;
}

/**
 * The id of the n-th function call of one response. The prefix (from the response id, or
 * random) keeps ids unique across the turns of a conversation that other wires replay.
 */
export function responseCallId(prefix: string, position: number): string {
  return `call_${prefix}_${position}`;
}

/** A short id-safe prefix for a response's call ids. */
export function callIdPrefix(responseId: string | undefined): string {
  const source = responseId && responseId !== "" ? responseId : crypto.randomUUID();
  return idSafe(source).replace(/[-_]/g, "").slice(0, 16) || "gemini";
}
