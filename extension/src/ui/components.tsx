import { createSignal, For, Show, type JSX } from "solid-js";
import { lastOutcomes } from "../gateway-view.ts";
import { t } from "../i18n.ts";

/** The last attempts of one route as little bars: green success, red failure, grey none yet. */
export function StatusBar(props: { recent: boolean[]; count?: number }) {
  const outcomes = () => lastOutcomes(props.recent, props.count ?? 12);
  const failures = () => props.recent.filter((outcome) => !outcome).length;
  return (
    <span class="inline-flex h-4 items-end gap-px" title={t("lastAttempts", { count: props.recent.length, failures: failures() })} data-testid="status-bar">
      <For each={outcomes()}>
        {(outcome) => (
          <span class={`w-[3px] rounded-sm ${outcome === null ? "h-2 bg-zinc-200 dark:bg-zinc-700" : outcome ? "h-4 bg-emerald-500" : "h-4 bg-red-500"}`} />
        )}
      </For>
    </span>
  );
}

export function Switch(props: { checked: boolean; disabled?: boolean; label: string; onChange: (checked: boolean) => void; testId?: string }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      title={props.label}
      data-testid={props.testId}
      disabled={props.disabled}
      onClick={() => props.onChange(!props.checked)}
      class={`relative h-5 w-9 shrink-0 cursor-pointer rounded-full transition-colors disabled:(cursor-progress opacity-60) ${props.checked ? "bg-brand-600 dark:bg-brand-500" : "bg-zinc-300 dark:bg-zinc-600"}`}
    >
      <span class={`absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-all ${props.checked ? "left-[18px]" : "left-0.5"}`} />
    </button>
  );
}

/** A read-only value with a copy button; `secret` values are masked until shown. */
export function CopyField(props: { label: string; value: string; secret?: boolean; testId?: string }) {
  const [copied, setCopied] = createSignal(false);
  const [shown, setShown] = createSignal(false);
  const copy = async () => {
    await navigator.clipboard.writeText(props.value);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div>
      <div class="mb-1 text-xs text-zinc-600 dark:text-zinc-400">{props.label}</div>
      <div class="flex items-center gap-1">
        <code class="min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-zinc-50 px-2 py-1 font-mono text-[12px] text-zinc-800 dark:(border-zinc-700 bg-zinc-950 text-zinc-200)" data-testid={props.testId}>
          {props.secret && !shown() ? "•".repeat(Math.min(24, props.value.length)) : props.value}
        </code>
        <Show when={props.secret}>
          <button type="button" class="btn-icon h-7 w-7" title={shown() ? t("hide") : t("show")} aria-label={shown() ? t("hide") : t("show")} onClick={() => setShown(!shown())}>
            <span class={shown() ? "i-lucide-eye-off" : "i-lucide-eye"} />
          </button>
        </Show>
        <button type="button" class="btn-icon h-7 w-7" title={t("copy")} aria-label={`${t("copy")}: ${props.label}`} onClick={copy}>
          <span class={copied() ? "i-lucide-check text-emerald-600" : "i-lucide-copy"} />
        </button>
      </div>
    </div>
  );
}

export function Section(props: { title: string; hint?: string; aside?: JSX.Element; children: JSX.Element; testId?: string }) {
  return (
    <section class="px-3 py-2.5" data-testid={props.testId}>
      <div class="mb-2 flex items-baseline justify-between gap-2">
        <h2 class="section-title">{props.title}</h2>
        {props.aside}
      </div>
      <Show when={props.hint}>
        <p class="mb-2 text-xs muted">{props.hint}</p>
      </Show>
      {props.children}
    </section>
  );
}
