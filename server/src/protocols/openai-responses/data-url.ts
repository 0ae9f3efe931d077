/** `data:<media type>;base64,<data>` → its parts; undefined for anything else (http URLs, non-base64 data URLs). */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  if (!header.endsWith(";base64")) return undefined;
  return { mediaType: header.slice(0, -7) || "application/octet-stream", data: url.slice(comma + 1) };
}

/** Inline base64 → a data URL, the only way Responses accepts inline images and files. */
export function toDataUrl(mediaType: string | undefined, data: string): string {
  return `data:${mediaType ?? "application/octet-stream"};base64,${data}`;
}
