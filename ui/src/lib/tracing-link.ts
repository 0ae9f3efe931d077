import type { MessageKey } from "./i18n/index.ts";

/** What the operator's link template must contain; the log row's OpenTelemetry trace id takes its place. */
export const TRACE_ID_PLACEHOLDER = "{traceId}";

/** A link only opens http(s) pages: a template like `javascript:…{traceId}` is never rendered as a link. */
function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text, globalThis.location?.origin ?? "http://localhost");
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** The template with every `{traceId}` replaced by the id (URL-encoded); undefined without a usable template. */
export function traceLink(template: string | null | undefined, traceId: string): string | undefined {
  if (!template?.includes(TRACE_ID_PLACEHOLDER)) return undefined;
  const link = template.replaceAll(TRACE_ID_PLACEHOLDER, encodeURIComponent(traceId));
  return isWebUrl(link) ? link : undefined;
}

/** Why a link template cannot be saved, or undefined when it can (empty means no link). */
export function linkTemplateError(template: string | null): MessageKey | undefined {
  if (!template?.trim()) return undefined;
  if (!template.includes(TRACE_ID_PLACEHOLDER)) return "validation.traceIdPlaceholder";
  return isWebUrl(template.replaceAll(TRACE_ID_PLACEHOLDER, "0")) ? undefined : "validation.url";
}

/** Why an OTLP endpoint cannot be saved (the gateway wants an http(s) base URL), or undefined; empty turns tracing off. */
export function tracingEndpointError(endpoint: string | null): MessageKey | undefined {
  if (!endpoint?.trim()) return undefined;
  return /^https?:\/\/\S+$/.test(endpoint.trim()) ? undefined : "validation.url";
}

/** Why export headers cannot be saved, or undefined: `name=value` pairs separated by commas (masked values as read are fine). */
export function tracingHeadersError(headers: string | null): MessageKey | undefined {
  if (!headers?.trim()) return undefined;
  const pairs = headers.split(",").filter((pair) => pair.trim() !== "");
  return pairs.every((pair) => pair.indexOf("=") > 0 && pair.slice(0, pair.indexOf("=")).trim() !== "") ? undefined : "validation.tracingHeaders";
}

/** The sample ratio (0…1) as the percentage the form shows, without float noise (0.07 → 7, not 7.000000000000001). */
export function ratioToPercent(ratio: number): number {
  return Math.round(ratio * 10_000) / 100;
}

/** The percentage typed (0…100) as the ratio the API stores; an empty field is NaN so validation catches it. */
export function percentToRatio(percent: number | null): number {
  return percent === null ? Number.NaN : Math.round(percent * 100) / 10_000;
}

export function sampleRatioError(ratio: number): MessageKey | undefined {
  return Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? undefined : "validation.percent";
}
