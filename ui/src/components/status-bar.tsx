import { For } from "solid-js";
import { formatPercent } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";

export interface StatusBarProps {
  /** Outcomes, oldest first; true = success. */
  outcomes: boolean[];
  /** Slots drawn (empty ones grey), so bars line up across rows. */
  slots?: number;
  class?: string;
}

/** Last-N outcomes as a row of ticks (green ok, red failed, grey not yet), newest on the right. */
export function StatusBar(props: StatusBarProps) {
  const slots = () => {
    const total = Math.max(props.slots ?? 20, props.outcomes.length);
    const recent = props.outcomes.slice(-total);
    return [...Array<undefined>(total - recent.length).fill(undefined), ...recent];
  };
  const summary = () => {
    const count = props.outcomes.length;
    if (count === 0) return t("status.noTraffic");
    const ok = props.outcomes.filter(Boolean).length;
    return t("status.summary", { ok, count, rate: formatPercent(ok / count, 0) });
  };
  return (
    <div class={`flex h-5 items-stretch gap-[2px] ${props.class ?? ""}`} role="img" aria-label={summary()} title={summary()}>
      <For each={slots()}>
        {(outcome) => (
          <span
            class={`w-1.5 min-w-[4px] flex-1 rounded-sm ${
              outcome === undefined ? "bg-zinc-200 dark:bg-zinc-700/60" : outcome ? "bg-emerald-500 dark:bg-emerald-400" : "bg-red-500 dark:bg-red-400"
            }`}
            data-outcome={outcome === undefined ? "none" : outcome ? "ok" : "error"}
          />
        )}
      </For>
    </div>
  );
}
