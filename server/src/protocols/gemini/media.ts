/**
 * Images and documents: Gemini `inlineData` (base64 + MIME type) and `fileData` (a URI,
 * usually from the Files API) ↔ canonical image / file parts.
 * https://ai.google.dev/gemini-api/docs/image-understanding
 */
import type { FilePart, ImagePart } from "../../core/canonical.ts";
import { stringOf } from "../../core/json-values.ts";
import type { GeminiBlob, GeminiFileData, GeminiPart } from "./wire-types.ts";

const isImage = (mimeType: string | undefined) => mimeType !== undefined && mimeType.startsWith("image/");

export function decodeInlineData(blob: GeminiBlob): ImagePart | FilePart {
  const mediaType = stringOf(blob.mimeType);
  const data = stringOf(blob.data) ?? "";
  return isImage(mediaType) ? { type: "image", mediaType, data } : { type: "file", mediaType, data };
}

export function decodeFileData(file: GeminiFileData): ImagePart | FilePart {
  const mediaType = stringOf(file.mimeType);
  const url = stringOf(file.fileUri) ?? "";
  return isImage(mediaType) ? { type: "image", mediaType, url } : { type: "file", mediaType, url };
}

/** Splits `data:<type>;base64,<data>`; undefined for anything else. */
function parseDataUrl(url: string): GeminiBlob | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const header = url.slice(5, comma).split(";");
  if (!header.includes("base64")) return undefined;
  return { mimeType: header[0] || "application/octet-stream", data: url.slice(comma + 1) };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  pdf: "application/pdf",
  txt: "text/plain",
};

/** Gemini requires a MIME type on fileData; guess it from the URL when the client gave none. */
function guessMimeType(url: string, fallback: string): string {
  const path = url.split(/[?#]/)[0];
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return MIME_BY_EXTENSION[extension] ?? fallback;
}

/** A canonical image or file → a Gemini part, or undefined (with a reason) when it cannot be sent. */
export function encodeMedia(part: ImagePart | FilePart): { part?: GeminiPart; warning?: string } {
  const fallback = part.type === "image" ? "image/jpeg" : "application/octet-stream";
  if (part.data !== undefined && part.data !== "") {
    return { part: { inlineData: { mimeType: part.mediaType ?? fallback, data: part.data } } };
  }
  const url = part.url ?? (part.type === "file" ? part.fileId : undefined);
  if (url === undefined || url === "") return { warning: `dropped an empty ${part.type} part` };
  const inline = parseDataUrl(url);
  if (inline) return { part: { inlineData: { mimeType: part.mediaType ?? inline.mimeType, data: inline.data } } };
  if (!/^(https?:|gs:)/.test(url) && !url.startsWith("files/")) {
    return { warning: `dropped a ${part.type} referenced by a provider file id Gemini cannot read (${url})` };
  }
  return { part: { fileData: { mimeType: part.mediaType ?? guessMimeType(url, fallback), fileUri: url } } };
}
