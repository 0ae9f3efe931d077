import type { GatewaySettings } from "../../routing/settings.ts";

export interface SettingsPlan {
  settings: Partial<GatewaySettings>;
  decisions: string[];
  noEquivalent: string[];
}

const MAX_RETENTION_DAYS = 3650;

/** The fork's bookkeeping entries: nothing for an operator to carry over. */
const INTERNAL_CONFIGS = new Set(["first_deploy_time"]);

/** LLMIO's `configs` rows as llmio settings. */
export function planSettings(configs: Map<string, unknown>): SettingsPlan {
  const plan: SettingsPlan = { settings: {}, decisions: [], noEquivalent: [] };
  for (const [key, value] of configs) {
    const fields = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    switch (key) {
      case "log_cleanup_policy": {
        const days = Number(fields.retention_days);
        if (fields.enabled === true && Number.isInteger(days) && days > 0) {
          // llmio keeps logs at most ten years by age (longer: no age limit at all).
          plan.settings.logRetentionDays = Math.min(days, MAX_RETENTION_DAYS);
          plan.decisions.push(`log cleanup: request logs older than ${days} days are deleted (logRetentionDays ${days}), as in LLMIO`);
        } else {
          plan.settings.logRetentionDays = null;
          plan.decisions.push("log cleanup: off in LLMIO → no age limit (logRetentionDays null); llmio's row cap (logMaxRows) still applies");
        }
        break;
      }
      case "anthropic_count_tokens":
        if (fields.base_url) {
          plan.noEquivalent.push(
            `count_tokens upstream (${String(fields.base_url)}): llmio asks the model's own Anthropic providers for token counts and counts locally when none can; the separate upstream and its key were not imported`,
          );
        }
        break;
      case "anthropic_proxy_ip":
        if (fields.enabled === true) plan.noEquivalent.push("the fork's client IP override (anthropic_proxy_ip): no equivalent; llmio forwards no client IP headers");
        break;
      case "model_price_sync":
        if (fields.enabled === true) plan.noEquivalent.push("the fork's price sync from models.dev: no equivalent; llmio keeps prices per association (the synced prices were copied onto them)");
        break;
      default:
        if (!INTERNAL_CONFIGS.has(key)) plan.noEquivalent.push(`LLMIO setting "${key}": not known to the importer; not imported`);
    }
  }
  return plan;
}
