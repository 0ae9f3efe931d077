import { createHash } from "node:crypto";

/** Provider keys are few; the cap only guards against a pathological churn of keys. */
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, string>();

/**
 * A short, stable stand-in for a provider API key in Redis key names and messages, so the
 * secret itself never leaves the process. Remembered, since it is asked for on every admission.
 */
export function fingerprint(apiKey: string): string {
  let print = remembered.get(apiKey);
  if (print === undefined) {
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    print = createHash("sha256").update(apiKey).digest("base64url").slice(0, 16);
    remembered.set(apiKey, print);
  }
  return print;
}
