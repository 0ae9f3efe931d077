/**
 * Deterministic answer text and token counts, shared by every protocol responder so that a
 * given request yields the same text and usage whatever the wire format or stream mode.
 *
 * Answer rule:
 *   - default: `Echo: <last user message text>`, where the echoed text has every run of
 *     whitespace (ASCII space and control characters) collapsed to one space, is trimmed, and
 *     is cut to its first 200 characters (then trimmed again). No user text gives `Echo:`.
 *   - `words=N` fault: the first N words of LOREM_WORDS, repeating the list as needed.
 *
 * Token rule:
 *   - prompt tokens = ceil(characters of all message text / 4)
 *   - completion tokens = number of content chunks streamed for the answer, i.e. its words
 *     (for tool calls: the number of argument fragments)
 */

const MAX_ECHO_CHARS = 200;

/** A tool call's input, streamed in several pieces so clients must reassemble it across events. */
export const TOOL_INPUT_FRAGMENTS: readonly string[] = ['{"location"', ':"Par', 'is"}'];
export const TOOL_INPUT_JSON = TOOL_INPUT_FRAGMENTS.join("");

/** The place a question names ("… weather in Tokyo?" → "Tokyo"): the capitalised words after "in". */
const ASKED_PLACE = /\bin ((?:\p{Lu}[\p{L}'-]*)(?: \p{Lu}[\p{L}'-]*)*)/u;

/**
 * A tool call's input JSON and its stream fragments. By default always `{"location":"Paris"}`;
 * with the `place-args` fault the location is the place the last user message asks about, as a
 * real model fills it from the question (Paris when it names none).
 */
export function toolInput(placeArgs: boolean | undefined, userText: string): { json: string; fragments: readonly string[] } {
  if (!placeArgs) return { json: TOOL_INPUT_JSON, fragments: TOOL_INPUT_FRAGMENTS };
  const json = JSON.stringify({ location: ASKED_PLACE.exec(userText)?.[1] ?? "Paris" });
  // Cut where the default's fragments are cut: the key, the value's opening, the rest.
  return { json, fragments: [json.slice(0, 11), json.slice(11, 16), json.slice(16)] };
}

export const LOREM_WORDS: readonly string[] = [
  "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
  "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
];

/** The default answer for a request whose last user message has the given text. */
export function echoAnswer(userText: string): string {
  const echoed = collapseWhitespace(userText, MAX_ECHO_CHARS).trimEnd();
  return echoed === "" ? "Echo:" : `Echo: ${echoed}`;
}

/** Exactly `count` words (`lorem ipsum dolor ...`), for controlling the chunk count. */
export function loremAnswer(count: number): string {
  const words = new Array<string>(count);
  for (let i = 0; i < count; i++) words[i] = LOREM_WORDS[i % LOREM_WORDS.length];
  return words.join(" ");
}

/**
 * The stream chunks of an answer: each word with its following space. Answers hold single
 * spaces only, so the chunks concatenate back to the answer exactly.
 */
export function answerChunks(answer: string): string[] {
  if (answer === "") return [];
  const chunks = answer.split(" ");
  for (let i = 0; i < chunks.length - 1; i++) chunks[i] += " ";
  return chunks;
}

/** Deterministic stand-in for a tokenizer: about four characters per token. */
export function approxTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

// A single scan that stops at `limit` output characters, so huge prompts cost little.
function collapseWhitespace(text: string, limit: number): string {
  let out = "";
  let pendingSpace = false;
  for (let i = 0; i < text.length && out.length < limit; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20) {
      pendingSpace = out !== "";
      continue;
    }
    if (pendingSpace) {
      out += " ";
      pendingSpace = false;
      if (out.length >= limit) break;
    }
    out += text[i];
  }
  return out;
}
