import { createHash } from "node:crypto";
import type { LogWriter } from "./log-writer.ts";
import type { RejectionReason } from "./log-reasons.ts";
import type { Endpoint } from "./schema.ts";

const MINUTE_MS = 60_000;
/**
 * Different rejections kept apart per minute; past this, further new ones of a status and reason
 * share one row (a flood of random keys or model names cannot write a row per call).
 */
export const MAX_DISTINCT_REJECTIONS_PER_MINUTE = 1_000;
/** Keys shorter than this are shown as a short hash: first and last characters would be most of them. */
const SHORT_KEY = 16;
/** Client-chosen text (model names, session ids, user agents) is cut to this many characters. */
const MAX_TEXT = 200;

/** A call the gateway refused before trying any upstream. */
export interface Rejection {
  status: number;
  reason: RejectionReason;
  /** The error the client was sent. */
  message: string;
  /** The client's wire protocol (the route's). */
  protocol: string;
  endpoint?: Endpoint;
  /** The request path (which API the client tried). */
  path?: string;
  clientIp?: string;
  userAgent?: string;
  /** A key that is no known client key: only a hint of it is stored (`keyHint`), never the key. */
  presentedKey?: string;
  /** The client key, when the caller was recognised. */
  authKeyId?: number;
  model?: string;
  sessionId?: string;
  stream?: boolean;
  /** The call's own trace id, used when this rejection starts a new row. */
  traceId?: string;
}

/**
 * Logs rejected calls (bad key, lockout, quota, malformed body, unknown model …) so a user
 * debugging a misconfigured client sees them, with bounded cost: identical rejections of one
 * minute (same status, reason, IP, key hint, key, model and path) share one row whose
 * `repeat_count` grows. The first call writes the row at once; later ones only add to its count
 * with the log writer's next batch (and on shutdown, when the writer is flushed).
 */
export class RejectionLog {
  private minute = -1;
  /** This minute's rows: identity → trace id of the row. */
  private rows = new Map<string, string>();
  private listeners: Array<(rejection: Rejection) => void> = [];

  constructor(private readonly writer: Pick<LogWriter, "write" | "addRepeats">) {}

  /** Told about every rejected call, folded or not (metrics). */
  onRejected(listener: (rejection: Rejection) => void): void {
    this.listeners.push(listener);
  }

  /** Logs one rejected call; returns the trace id of the row that counts it (for the client's error). */
  record(rejection: Rejection, now = Date.now()): string {
    for (const listener of this.listeners) listener(rejection);
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.rows = new Map();
    }
    const keyHint = rejection.presentedKey === undefined ? undefined : keyHintOf(rejection.presentedKey);
    const model = cut(rejection.model);
    let identity = JSON.stringify([rejection.status, rejection.reason, rejection.protocol, rejection.clientIp, keyHint, rejection.authKeyId, model, rejection.path]);
    let folded = false;
    if (!this.rows.has(identity) && this.rows.size >= MAX_DISTINCT_REJECTIONS_PER_MINUTE) {
      identity = JSON.stringify([rejection.status, rejection.reason, "*"]);
      folded = true;
    }
    const existing = this.rows.get(identity);
    if (existing !== undefined) {
      this.writer.addRepeats(existing, 1);
      return existing;
    }
    const traceId = rejection.traceId ?? Bun.randomUUIDv7();
    this.rows.set(identity, traceId);
    this.writer.write({
      traceId,
      model: folded ? "" : (model ?? ""),
      clientProtocol: rejection.protocol,
      endpoint: rejection.endpoint ?? "chat",
      status: "error",
      statusCode: rejection.status,
      error: folded
        ? `${rejection.message} (and more rejections like it: over ${MAX_DISTINCT_REJECTIONS_PER_MINUTE} different rejections this minute share this row)`
        : rejection.message,
      reason: rejection.reason,
      attempt: 0,
      stream: rejection.stream ?? false,
      clientIp: folded ? null : (rejection.clientIp ?? null),
      userAgent: folded ? null : (cut(rejection.userAgent) ?? null),
      authKeyId: folded ? null : (rejection.authKeyId ?? null),
      keyHint: folded ? null : (keyHint ?? null),
      sessionId: folded ? null : (cut(rejection.sessionId) ?? null),
      path: folded ? null : (cut(rejection.path) ?? null),
      repeatCount: 1,
      createdAt: now,
    });
    return traceId;
  }
}

/**
 * What is kept of a presented key that matched nothing: its first 3 and last 4 characters
 * (`sk-…abcd`, as key lists show keys) for a long key, a short hash for a short one.
 */
export function keyHintOf(key: string): string {
  if (key.length >= SHORT_KEY) return `${key.slice(0, 3)}…${key.slice(-4)}`;
  return `sha256:${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

function cut(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
