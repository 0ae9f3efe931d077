import { A } from "@solidjs/router";
import { EmptyState } from "../components/states.tsx";
import { t } from "../lib/i18n/index.ts";

export function NotFoundPage() {
  return (
    <EmptyState
      icon="i-lucide-map-pin-off"
      title={t("notFound.title")}
      hint={t("notFound.hint")}
      action={
        <A href="/" class="btn-primary">
          {t("nav.dashboard")}
        </A>
      }
    />
  );
}
