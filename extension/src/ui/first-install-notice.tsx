import { Show } from "solid-js";
import type { FirstInstallFinding } from "../first-install.ts";
import { t } from "../i18n.ts";

/** The options page's word on what the first install found on the default address (nothing once saved). */
export function FirstInstallNotice(props: { finding: FirstInstallFinding | null }) {
  return (
    <Show when={props.finding}>
      {(finding) => (
        <p
          class={`rounded-lg px-3 py-2 text-sm ${finding().gateway === "found" ? "bg-emerald-50 text-emerald-800 dark:(bg-emerald-950 text-emerald-300)" : "bg-amber-50 text-amber-800 dark:(bg-amber-950 text-amber-300)"}`}
          role="status"
          data-testid="first-install-notice"
          data-gateway={finding().gateway}
        >
          {t(finding().gateway === "found" ? "firstInstallFound" : "firstInstallAbsent", { url: finding().url })}
        </p>
      )}
    </Show>
  );
}
