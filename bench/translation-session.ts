/**
 * A translation session as Immersive Translate sends it to an "OpenAI / custom AI" service, for
 * the `translation-cache` scenario: the request bodies, and a burst of them with repeats.
 *
 * What the plugin sends (checked 2026-12-07):
 *   - Its service defaults live in its published default configuration,
 *     github.com/immersive-translate/config, `dist/default_config.json` (commit 0d03c2e,
 *     2026-08-21), under `translationServices`: `openai` and `custom-ai` ("OpenAI" and the
 *     "custom AI / OpenAI-compatible" service) both `extends: "ai"`; `ai` holds the prompts:
 *       - `baseUrlApiPath: "/chat/completions"`: a Chat Completions call (users paste the
 *         full URL, see /work/shared/clients-and-protocols.md §1.8);
 *       - one system message and one user message. Single paragraph: `systemPrompt`, a
 *         ~1.2 KB "professional {{to}} native translator" text with numbered rules (output only
 *         the translation, keep paragraph count and format, place HTML tags, keep proper nouns
 *         and code, and a `%%` separator rule with examples), user `prompt` =
 *         "Translate to {{to}} (output translation only):\n\n{{text}}";
 *       - several paragraphs: `multipleSystemPrompt` (the same rules, ~1 KB, with an example of
 *         four paragraphs separated by `%%`), user `multiplePrompt` =
 *         "Translate to {{to}}:\n\n{{text}}", where {{text}} is the paragraphs joined with
 *         `translationTextSeparator` = "\n\n%%\n\n";
 *       - `maxTextGroupLengthPerRequest: 4` (paragraphs per request, `openai` and `custom-ai`),
 *         `translationDebounce: 300` ms (paragraphs seen within 300 ms are grouped), request
 *         timeout 101 s, `maxTokensRatio: 8` / `minTokensRatio: 0.21` (a length sanity check
 *         of answers; no `max_tokens` field is configured for OpenAI-style bodies — only
 *         `claude` sets `bodyConfigs.max_tokens: 2048`).
 *   - Temperature 0: the maintainer calls it deliberate ("so the model translates precisely")
 *     in immersive-translate/immersive-translate#1669 (2024-04); captured bodies carry
 *     `"temperature":0` and neither `stream` nor `max_tokens` (ollama/ollama#2425, 2024-02:
 *     `{"model":…,"temperature":0,"messages":[system, user]}`). Answers are read as one JSON
 *     document (third-party endpoints made for the plugin say "JSON only, no stream").
 *   - Older versions (2023-24) batched with a YAML list of `id`/`text` entries
 *     (PDFMathTranslate/PDFMathTranslate#248 quotes it); the current one uses the `%%`
 *     separator above. The plugin keeps its own cache per browser (`"cache": true`), so what
 *     reaches a gateway twice comes from other browsers and devices, tabs opened before the
 *     first answer arrived, cleared caches and retries after errors.
 *
 * The bodies below follow that shape: the plugin's short user templates as they are, and a
 * system message of our own wording with the same structure and length (not the plugin's text).
 * The target language is Simplified Chinese, the most common one in the plugin's issues.
 */

/** Paragraphs per request at most: the plugin's `maxTextGroupLengthPerRequest`. */
export const MAX_PARAGRAPHS_PER_REQUEST = 4;
/** The plugin's `translationTextSeparator`. */
export const PARAGRAPH_SEPARATOR = "\n\n%%\n\n";
const TARGET = "Simplified Chinese";

// Our own wording (same structure and size as the plugin's system prompts, about 1 KB).
const RULES = [
  `You translate web pages into ${TARGET} the way a native ${TARGET} writer would put them.`,
  "",
  "## Rules",
  "1. Answer with the translation alone: no preface, no notes, no quotation marks around it.",
  "2. Keep the structure: as many paragraphs as the source, in the same order and layout.",
  "3. Inline HTML tags stay in the text; move them to where they belong in the translated sentence.",
  "4. Leave untouched what should not be translated: code, identifiers, product and proper names, URLs.",
];
const SINGLE_SYSTEM = [
  ...RULES,
  "5. The separator %% only appears in your answer when it appears in the source.",
  "",
  "## Format",
  "- One paragraph in: its translation out, nothing around it.",
  "- Several paragraphs in (separated by %%): their translations out, separated by %% the same way.",
].join("\n");
const MULTIPLE_SYSTEM = [
  ...RULES,
  "",
  "## Input and output",
  "The source arrives as paragraphs separated by a line holding only %%, for example:",
  "",
  "First paragraph\n\n%%\n\nSecond paragraph\n\n%%\n\nThird paragraph",
  "",
  "Answer in the same form:",
  "",
  "First translation\n\n%%\n\nSecond translation\n\n%%\n\nThird translation",
].join("\n");

/** The body of one translation request: what the plugin sends for these paragraphs. */
export function translationBody(model: string, paragraphs: readonly string[]): string {
  const multiple = paragraphs.length > 1;
  // The plugin's own user templates (`multiplePrompt` / `prompt` of its `ai` service).
  const user = multiple ? `Translate to ${TARGET}:\n\n${paragraphs.join(PARAGRAPH_SEPARATOR)}` : `Translate to ${TARGET} (output translation only):\n\n${paragraphs[0]}`;
  return JSON.stringify({
    model,
    temperature: 0,
    messages: [
      { role: "system", content: multiple ? MULTIPLE_SYSTEM : SINGLE_SYSTEM },
      { role: "user", content: user },
    ],
  });
}

/** The same request for another model (the direct hop names the fake's model string). */
export function withModel(body: string, model: string): string {
  const parsed = JSON.parse(body) as { model: string };
  parsed.model = model;
  return JSON.stringify(parsed);
}

// ---------------------------------------------------------------------------------------
// Paragraphs: deterministic English prose from a seeded generator (no copied text).

/** mulberry32: a small seeded PRNG, so every run replays the same session. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "the a of to and in for on with that this from by as at is are was be it its new more about after over how " +
  "city report market users team data model system update release support version page people year week " +
  "government research company service network security policy price energy climate health school music " +
  "developer browser extension gateway request answer cache memory server client language translation reader " +
  "announced explained reported expected improved reduced launched changed opened showed found said added " +
  "quickly slowly early later recent public local global simple large small important different available"
).split(" ");

function sentence(random: () => number): string {
  const length = 6 + Math.floor(random() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
  const text = words.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** A paragraph of 1 to 4 sentences (≈ 40 to 500 characters), like a page's text blocks and headings. */
export function paragraph(random: () => number): string {
  const sentences = 1 + Math.floor(random() * 4);
  return Array.from({ length: sentences }, () => sentence(random)).join(" ");
}

// ---------------------------------------------------------------------------------------
// The burst

/** How a request came to be sent: first time, again while the first copy is in flight, or again later. */
export type RequestKind = "unique" | "repeat-in-flight" | "repeat-after";

export interface PlannedRequest {
  kind: RequestKind;
  /** Index of the unique request this one repeats (its own index for a unique one). */
  original: number;
  /** unique and in-flight repeats: when to send, ms after the burst starts. */
  sendAtMs?: number;
  /** repeat-after: how long after the original's answer to send it. */
  afterMs?: number;
  /** Paragraphs of the request (the body is built per model). */
  paragraphs: string[];
}

export interface SessionShape {
  /** Requests in the burst. */
  requests: number;
  /** Share of repeats (the issue: about 40%). */
  repeatShare: number;
  /** Share of the repeats sent while the first copy is still in flight. */
  inFlightShareOfRepeats: number;
  /** The unique requests start spread evenly over this many ms. */
  spreadMs: number;
  /** An in-flight repeat follows its original within this many ms (below the upstream's first-byte delay). */
  inFlightWithinMs: number;
  seed: number;
}

/**
 * The burst: unique requests of 1-4 paragraphs spread over `spreadMs`, then repeats of them.
 * In-flight repeats (the same page opened in several tabs or by several readers at once) follow
 * their original within `inFlightWithinMs`; later repeats (re-visits, and the navigation,
 * headings and footers every page of a site repeats) are sent once the original has its
 * answer. Half the later repeats go to the first 5% of unique requests (the site's repeated
 * blocks), the rest anywhere.
 */
export function planBurst(shape: SessionShape): PlannedRequest[] {
  const random = seededRandom(shape.seed);
  const repeats = Math.round(shape.requests * shape.repeatShare);
  const uniqueCount = shape.requests - repeats;
  const inFlight = Math.round(repeats * shape.inFlightShareOfRepeats);
  const seen = new Set<string>();
  const plan: PlannedRequest[] = [];
  for (let i = 0; i < uniqueCount; i++) {
    // Most requests carry a full group of 4; a page's last group and lone headings fewer.
    const count = random() < 0.7 ? MAX_PARAGRAPHS_PER_REQUEST : 1 + Math.floor(random() * (MAX_PARAGRAPHS_PER_REQUEST - 1));
    let paragraphs: string[];
    do paragraphs = Array.from({ length: count }, () => paragraph(random));
    while (seen.has(paragraphs.join(PARAGRAPH_SEPARATOR)));
    seen.add(paragraphs.join(PARAGRAPH_SEPARATOR));
    plan.push({ kind: "unique", original: i, sendAtMs: Math.round((i / uniqueCount) * shape.spreadMs), paragraphs });
  }
  const siteBlocks = Math.max(1, Math.round(uniqueCount * 0.05));
  for (let r = 0; r < repeats; r++) {
    if (r < inFlight) {
      const original = Math.floor(random() * uniqueCount);
      const sendAtMs = plan[original].sendAtMs! + Math.round(random() * shape.inFlightWithinMs);
      plan.push({ kind: "repeat-in-flight", original, sendAtMs, paragraphs: plan[original].paragraphs });
    } else {
      const original = random() < 0.5 ? Math.floor(random() * siteBlocks) : Math.floor(random() * uniqueCount);
      plan.push({ kind: "repeat-after", original, afterMs: 50 + Math.round(random() * 950), paragraphs: plan[original].paragraphs });
    }
  }
  return plan;
}
