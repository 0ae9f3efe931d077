import { clockTime } from "./format.ts";
import type { ProviderRow } from "./gateway-view.ts";
import { t } from "./i18n.ts";

/**
 * The popup's line under a provider: disabled, or routing / failing with the cause named for
 * what it is ("connection refused", not a count of unusable keys) and until when its breakers
 * hold, then the keys the provider itself refused or rests.
 */
export function providerLine(row: ProviderRow): string {
  if (!row.enabled) return t("disabledEverywhere");
  const parts = [row.failing ? t("failing") : t("routing")];
  if (row.cause) parts.push(t(`cause.${row.cause}`));
  if (row.until !== null) parts.push(t("until", { time: clockTime(row.until) }));
  if (row.refusedKeys > 0) parts.push(t("keysRefused", { count: row.refusedKeys, total: row.keys }));
  if (row.coolingKeys > 0) {
    const cooling = t("keysCooling", { count: row.coolingKeys, total: row.keys });
    parts.push(row.coolingCause ? `${cooling} (${t(`cause.${row.coolingCause}`)})` : cooling);
  }
  return parts.join(" · ");
}
