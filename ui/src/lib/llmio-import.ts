import { client } from "./api.ts";
import { ApiError, errorDetails, errorMessage } from "./api-client.ts";
import { clearToken, token } from "./auth.ts";
import type { MessageKey } from "./i18n/index.ts";
import type { ImportAction, ImportItem, ImportItemKind, ImportReport, LlmioImportRequest, LlmioUpload } from "@llmio/contract";

/** Where the LLMIO data comes from: its SQLite file (uploaded first) or the fork's database URL. */
export type LlmioSource = { upload: string } | { dsn: string };

/** The choices that go with both the check (dry run) and the import. */
export interface LlmioImportChoices {
  replace: boolean;
  withLogs: boolean;
  /** With logs: only the last N days; null: all of them. */
  sinceDays: number | null;
}

/** The server keeps an upload an hour; reuse it for a little less, so an import never names an expired one. */
export const UPLOAD_REUSE_MS = 50 * 60_000;

/** The kinds in the order the report shows them: what the others depend on first. */
export const ITEM_KIND_ORDER: readonly ImportItemKind[] = ["provider", "model", "association", "client key", "setting", "admin token"];

/** The body of `POST /api/import/llmio`; days only count with logs. */
export function importRequest(source: LlmioSource, choices: LlmioImportChoices, dryRun: boolean): LlmioImportRequest {
  return {
    ...source,
    dryRun,
    replace: choices.replace,
    withLogs: choices.withLogs,
    sinceDays: choices.withLogs ? choices.sinceDays : null,
  };
}

/** Why a pasted database URL cannot be used, or null when it looks like one the server reads. */
export function dsnProblem(dsn: string): MessageKey | null {
  const text = dsn.trim();
  if (!text) return "validation.required";
  return /^(postgres|postgresql|mysql):\/\/\S+$/i.test(text) ? null : "settings.llmio.dsnInvalid";
}

/** Why "only the last N days" cannot be used, or null (empty means all the history). */
export function sinceDaysProblem(choices: LlmioImportChoices): MessageKey | null {
  if (!choices.withLogs || choices.sinceDays === null) return null;
  return Number.isInteger(choices.sinceDays) && choices.sinceDays >= 1 ? null : "validation.positiveInteger";
}

/** A conflict or a skipped row: shown first and highlighted, with its detail. */
export function needsAttention(item: ImportItem): boolean {
  return item.action === "conflict" || item.action === "skipped";
}

export interface ImportItemGroup {
  kind: ImportItemKind;
  /** Conflicts and skipped rows first, then the rest in the server's order; unchanged ones only when asked. */
  items: ImportItem[];
  /** Over all the kind's items, the hidden unchanged ones included. */
  counts: Record<ImportAction, number>;
}

const noActions = (): Record<ImportAction, number> => ({ created: 0, updated: 0, unchanged: 0, conflict: 0, skipped: 0 });

/** The report's items by kind (kinds without items left out), for the grouped table. */
export function groupImportItems(items: readonly ImportItem[], showUnchanged: boolean): ImportItemGroup[] {
  const groups = new Map<ImportItemKind, ImportItemGroup>();
  for (const kind of ITEM_KIND_ORDER) groups.set(kind, { kind, items: [], counts: noActions() });
  for (const item of items) {
    let group = groups.get(item.kind);
    // A kind this UI does not know yet still shows, after the known ones.
    if (!group) groups.set(item.kind, (group = { kind: item.kind, items: [], counts: noActions() }));
    group.counts[item.action] = (group.counts[item.action] ?? 0) + 1;
    if (showUnchanged || item.action !== "unchanged") group.items.push(item);
  }
  for (const group of groups.values()) group.items = [...group.items.filter(needsAttention), ...group.items.filter((item) => !needsAttention(item))];
  return [...groups.values()].filter((group) => Object.values(group.counts).some((count) => count > 0));
}

/** Whether importing would write anything: new or changed entries, or history rows. */
export function writesAnything(report: ImportReport): boolean {
  return report.totals.created + report.totals.updated > 0 || (report.logs?.created ?? 0) > 0;
}

/** An upload made earlier for this very file, still young enough to name again. */
export interface UploadedFile {
  file: Blob;
  upload: string;
  at: number;
}

/** The earlier upload's id when it was of the same file and is not about to expire. */
export function reusableUpload(previous: UploadedFile | undefined, file: Blob, now = Date.now()): string | undefined {
  if (!previous || previous.file !== file || now - previous.at > UPLOAD_REUSE_MS) return undefined;
  return previous.upload;
}

/**
 * Sends the LLMIO SQLite file as the raw body (no multipart). XMLHttpRequest rather than fetch:
 * only it reports the upload's progress, which a file of hundreds of megabytes needs.
 */
export function uploadLlmioDatabase(file: Blob, onProgress?: (fraction: number) => void): Promise<LlmioUpload> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    // The name is only shown in the report ("uploaded file llmio.db"), never used as a path.
    const name = file instanceof File ? `?name=${encodeURIComponent(file.name)}` : "";
    request.open("POST", `/api/import/llmio/upload${name}`);
    request.setRequestHeader("content-type", "application/octet-stream");
    request.setRequestHeader("accept", "application/json");
    const bearer = token();
    if (bearer) request.setRequestHeader("authorization", `Bearer ${bearer}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, "Network error: the upload did not reach the server"));
    request.onload = () => {
      const text = request.responseText;
      if (request.status === 401) clearToken();
      if (request.status < 200 || request.status >= 300) {
        reject(new ApiError(request.status, errorMessage(request.status, text), undefined, errorDetails(text)));
        return;
      }
      try {
        resolve(JSON.parse(text) as LlmioUpload);
      } catch {
        reject(new ApiError(request.status, `Unreadable answer: ${text.slice(0, 200)}`));
      }
    };
    request.send(file);
  });
}

/** `llmio import-llmio`: with `dryRun` the report only, nothing written. */
export const runLlmioImport = (request: LlmioImportRequest) => client.post<ImportReport>("/api/import/llmio", request);
