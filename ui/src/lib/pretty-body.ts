/** A captured body for reading: JSON indented; anything else (SSE streams, truncated captures) as it is. */
export function prettyBody(body: string | null | undefined): string {
  if (!body) return "";
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  return body;
}
