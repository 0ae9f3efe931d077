import { t } from "./i18n/index.ts";
import type { LogReason, LogRow } from "@llmio/contract";
import { REFUSAL_REASONS, REJECTION_REASONS } from "@llmio/contract/enums";

/** Every reason a row can give, in the order the filter lists them. */
export const LOG_REASONS = [
  ...REJECTION_REASONS,
  ...REFUSAL_REASONS,
  "connection",
  "timeout",
  "rate_limit",
  "quota",
  "credential",
  "overloaded",
  "server",
  "bad_request",
  "content",
  "client_closed",
] as const satisfies readonly LogReason[];
// The type-check fails here when the contract gains a reason this list does not show.
const everyReasonListed: [Exclude<LogReason, (typeof LOG_REASONS)[number]>] extends [never] ? true : never = true;
void everyReasonListed;

const known = new Set<string>(LOG_REASONS);
const rejections = new Set<string>(REJECTION_REASONS);

/** The reason in words (the code itself for one this UI does not know yet). */
export function reasonLabel(reason: string | null | undefined): string {
  if (!reason) return "";
  return known.has(reason) ? t(`reason.${reason as LogReason}`) : reason;
}

export function isRejected(row: Pick<LogRow, "reason">): boolean {
  return row.reason !== null && rejections.has(row.reason);
}

/**
 * Who made the call, for the key column: the client key's name, a hint of an unknown key, "no
 * key", or the admin token (`keyName(null)`).
 */
export function callerLabel(row: Pick<LogRow, "authKeyId" | "keyHint" | "reason">, keyName: (id: number | null) => string): string {
  if (row.keyHint) return t("logs.unknownKey", { hint: row.keyHint });
  if (row.reason === "missing_key") return t("logs.noKey");
  // A locked-out caller was refused before its key was read.
  if (row.reason === "ip_locked_out") return "—";
  return keyName(row.authKeyId);
}
