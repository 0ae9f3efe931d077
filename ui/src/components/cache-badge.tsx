import { t } from "../lib/i18n/index.ts";

/** Marks a request answered from the response cache (no upstream call), apart from the prompt cache's "cached tokens". */
export function CachedBadge() {
  return (
    <span class="badge-cache" title={t("logs.servedFromCache")} data-testid="log-cached">
      <span class="i-lucide-database-zap" />
      {t("logs.cachedBadge")}
    </span>
  );
}
