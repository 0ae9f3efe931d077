/** `data:<media type>;base64,<data>` URLs, which Chat Completions uses for inline images and files. */

export interface InlineData {
  mediaType?: string;
  data: string;
}

/** Splits a base64 data URL; undefined for anything else (http URLs, non-base64 data URLs). */
export function parseDataUrl(url: string): InlineData | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const parameters = header.split(";");
  if (!parameters.includes("base64")) return undefined;
  const mediaType = parameters[0] === "" ? undefined : parameters[0];
  return { mediaType, data: url.slice(comma + 1) };
}

export function toDataUrl(mediaType: string | undefined, data: string): string {
  return `data:${mediaType ?? "application/octet-stream"};base64,${data}`;
}
