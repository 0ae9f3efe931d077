/** Small pieces every responder of the fake upstream shares. */
import { isObject } from "../core/json-values.ts";

export type JsonObject = Record<string, unknown>;

export const JSON_HEADERS = { "content-type": "application/json" };
export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export { isObject };

/** Characters of a message's content: a string, or the `text` of its parts (OpenAI's shapes). */
export function textLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let length = 0;
  for (const part of content) if (isObject(part) && typeof part.text === "string") length += part.text.length;
  return length;
}

/** A message's content as one text: a string, or the `text` of its parts joined by spaces. */
export function joinedText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) if (isObject(part) && typeof part.text === "string") texts.push(part.text);
  return texts.join(" ");
}
