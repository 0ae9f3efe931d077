import { type JSX, Show } from "solid-js";

/** One headline number with a label, an icon and a secondary line. */
export function KpiCard(props: { label: string; value: JSX.Element; detail?: JSX.Element; icon: string; tone?: "ok" | "bad" | "warn"; testId?: string }) {
  const toneClass = () =>
    props.tone === "bad"
      ? "text-red-600 dark:text-red-400"
      : props.tone === "warn"
        ? "text-amber-600 dark:text-amber-400"
        : props.tone === "ok"
          ? "text-emerald-600 dark:text-emerald-400"
          : "text-zinc-900 dark:text-white";
  return (
    <div class="card min-w-0 p-4" data-testid={props.testId}>
      <div class="flex items-center justify-between gap-2">
        <span class="truncate text-xs font-medium uppercase tracking-wide muted">{props.label}</span>
        <span class={`${props.icon} text-base text-zinc-400 dark:text-zinc-500`} />
      </div>
      <div class={`mt-2 truncate text-2xl font-semibold tabular-nums tracking-tight ${toneClass()}`}>{props.value}</div>
      <Show when={props.detail}>
        <div class="mt-1 truncate text-xs muted tabular-nums">{props.detail}</div>
      </Show>
    </div>
  );
}
