/** Chat Completions streams end with a literal `[DONE]` data frame. */
export function isStreamEnd(data: string): boolean {
  return data === "[DONE]";
}

/** Some upstreams (and relays) report failures inside a 200 stream as `data: {"error": …}`. */
export function streamEventError(data: string): string | undefined {
  if (!data.startsWith('{"error"')) return undefined;
  try {
    const error = (JSON.parse(data) as { error?: { message?: string } | string }).error;
    return typeof error === "string" ? error : (error?.message ?? data);
  } catch {
    return data;
  }
}
