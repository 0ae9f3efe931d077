import { REJECTION_REASONS, type RejectionReason } from "@llmio/contract";
/**
 * Calls the gateway refused before any upstream was tried: the client (or its configuration)
 * was at fault. Identical ones of one minute share a log row (see rejection-log.ts).
 */
export { REJECTION_REASONS, type RejectionReason } from "@llmio/contract";

/** A call that was admitted but no attempt could be made (every candidate broken, cooling or full). */
export type { RefusalReason } from "@llmio/contract";

/**
 * The `reason` column says why a row failed: a rejection, a refusal, `client_closed`, or for an
 * upstream attempt its failure class (routing/failure-class.ts: timeout, connection, …).
 */
export { CLIENT_CLOSED_REASON } from "@llmio/contract";

const rejections = new Set<string>(REJECTION_REASONS);

/** Whether a row's reason marks a rejected call (no upstream involved). */
export function isRejection(reason: string | null | undefined): reason is RejectionReason {
  return reason !== null && reason !== undefined && rejections.has(reason);
}

/** Rejections where the caller is not known (no valid key): such rows belong to no client key. */
const UNKNOWN_CALLER = new Set<string>(["missing_key", "unknown_key", "ip_locked_out"]);

export function callerUnknown(reason: string | null | undefined): boolean {
  return reason !== null && reason !== undefined && UNKNOWN_CALLER.has(reason);
}
