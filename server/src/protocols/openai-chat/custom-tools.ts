import type { CanonicalRequest } from "../../core/canonical.ts";
import { isObject, parseJson } from "../../core/json-values.ts";

/**
 * Free-form (custom) tools travel to Chat upstreams as function tools with one string
 * parameter, because OpenAI-compatible vendors only know function tools. The answer's
 * calls to those tools are unwrapped back to raw text when the request is known.
 */
export const CUSTOM_TOOL_INPUT = "input";

/** Names of the request's custom tools; empty without a request. */
export function customToolNames(request: CanonicalRequest | undefined): ReadonlySet<string> {
  const names = new Set<string>();
  for (const tool of request?.tools ?? []) if (tool.type === "custom") names.add(tool.name);
  return names;
}

/** `{"input": "<text>"}` → `<text>`; anything else is returned unchanged. */
export function unwrapCustomInput(argumentsJson: string): string {
  const parsed = parseJson(argumentsJson);
  return isObject(parsed) && typeof parsed[CUSTOM_TOOL_INPUT] === "string" ? (parsed[CUSTOM_TOOL_INPUT] as string) : argumentsJson;
}
