import { ApiError } from "./api-client.ts";
import type { ProviderWarning, UpstreamAnswer } from "@llmio/contract";


/** A failed call to a provider, read from the admin API's 502: the provider's own answer and the findings. */
export interface ProviderCallFailure {
  /** The provider's answer; undefined when the failure was the gateway's own (e.g. 404 unknown provider). */
  upstream: UpstreamAnswer | undefined;
  warnings: ProviderWarning[];
  /** The whole message, for when there is no upstream answer to show. */
  message: string;
}

/** The base-URL finding among warnings (the one a button can apply), if any. */
export function baseUrlWarning(warnings: readonly ProviderWarning[] | undefined): ProviderWarning | undefined {
  return warnings?.find((warning) => warning.field === "baseUrl" && typeof warning.suggestion === "string" && warning.suggestion !== "");
}

/** Reads `upstream` and `warnings` from an error body, trusting nothing about their shape. */
export function providerCallFailure(error: unknown): ProviderCallFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError)) return { upstream: undefined, warnings: [], message };
  const { upstream, warnings } = error.details;
  return { upstream: readUpstream(upstream), warnings: readWarnings(warnings), message };
}

function readUpstream(value: unknown): UpstreamAnswer | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { status, message } = value as Record<string, unknown>;
  if (typeof message !== "string" || (status !== null && typeof status !== "number")) return undefined;
  return { status, message };
}

function readWarnings(value: unknown): ProviderWarning[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is ProviderWarning => item !== null && typeof item === "object" && item.field === "baseUrl" && typeof item.message === "string" && typeof item.suggestion === "string",
  );
}
