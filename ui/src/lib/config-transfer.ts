import type { ConfigApplyResult, ConfigItemChange, RetentionRun } from "@llmio/contract";
import { client } from "./api.ts";
import { ApiError, errorDetails, errorMessage } from "./api-client.ts";
import { clearToken, token } from "./auth.ts";

/** The changes an apply makes, without the unchanged entries. */
export function changedItems(result: ConfigApplyResult): ConfigItemChange[] {
  return result.changes.filter((change) => change.action !== "unchanged");
}

/** Text in and out (YAML), so not the JSON client; the same token, errors and logout on 401. */
async function send(method: string, path: string, body?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  const current = token();
  if (current) headers.authorization = `Bearer ${current}`;
  if (body !== undefined) headers["content-type"] = "application/yaml";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, `Network error: ${(error as Error)?.message ?? error}`);
  }
  if (response.ok) return response;
  const text = await response.text();
  if (response.status === 401) clearToken();
  throw new ApiError(response.status, errorMessage(response.status, text), undefined, errorDetails(text));
}

/** The configuration file (`llmio config export`): its text and the file name the server gives it. */
export async function exportConfigFile(withSecrets: boolean): Promise<{ name: string; text: string }> {
  const response = await send("GET", `/api/config/export${withSecrets ? "?withSecrets=1" : ""}`);
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "llmio-config.yaml";
  return { name, text: await response.text() };
}

/** `llmio config apply`: with `dryRun` the plan only, nothing written. */
export async function applyConfigFile(yaml: string, options: { dryRun: boolean; prune: boolean }): Promise<ConfigApplyResult> {
  const query = new URLSearchParams();
  if (options.dryRun) query.set("dryRun", "1");
  if (options.prune) query.set("prune", "1");
  const suffix = query.size ? `?${query}` : "";
  const response = await send("POST", `/api/config/apply${suffix}`, yaml);
  return (await response.json()) as ConfigApplyResult;
}

/** Saves text as a file through the browser's download. */
export function downloadText(name: string, text: string, type = "application/yaml"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export const retentionRuns = () => client.get<RetentionRun[]>("/api/settings/retention/runs");
