import { maskKey } from "../../lib/mask-key.ts";
import type { ClientKeyInput } from "../../auth/client-keys.ts";
import type { ImportItem } from "./import-report.ts";
import type { LlmioAuthKey } from "./snapshot.ts";

/** An LLMIO client key to keep working: its secret (stored hashed) and settings. */
export interface PlannedKey {
  llmioId: number;
  secret: string;
  /** `laptop (sk-…wxyz)`: names repeat, the hint tells keys apart. */
  label: string;
  input: Required<Pick<ClientKeyInput, "name" | "allowedModels" | "expiresAt" | "enabled" | "captureBodies">>;
  requestsUsed: number;
  lastUsedAt: number | null;
}

export interface KeyPlan {
  keys: PlannedKey[];
  skipped: ImportItem[];
  warnings: string[];
}

export function planKeys(rows: LlmioAuthKey[], now = Date.now()): KeyPlan {
  const plan: KeyPlan = { keys: [], skipped: [], warnings: [] };
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name || `LLMIO key ${row.id}`;
    if (!row.key) {
      plan.skipped.push({ kind: "client key", name, action: "skipped", detail: "it has no key value" });
      continue;
    }
    const label = `${name} (${maskKey(row.key)})`;
    if (seen.has(row.key)) {
      plan.skipped.push({ kind: "client key", name: label, action: "skipped", detail: "the same key appears twice in LLMIO; the first is kept" });
      continue;
    }
    seen.add(row.key);
    const key: PlannedKey = {
      llmioId: row.id,
      secret: row.key,
      label,
      input: {
        name,
        // LLMIO: "all models" or exactly the listed ones (an empty list allows none, here too).
        allowedModels: row.allowAll === true ? null : [...new Set(row.models)],
        expiresAt: row.expiresAt,
        // LLMIO accepts only keys whose status is set.
        enabled: row.status === true,
        captureBodies: row.ioLog === true,
      },
      requestsUsed: row.usageCount,
      lastUsedAt: row.lastUsedAt,
    };
    if (key.input.expiresAt !== null && key.input.expiresAt <= now) {
      plan.warnings.push(`client key ${label} expired on ${new Date(key.input.expiresAt).toISOString()}; imported as expired, so it is refused as before`);
    }
    plan.keys.push(key);
  }
  return plan;
}
