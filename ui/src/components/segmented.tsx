import { For } from "solid-js";

export interface SegmentedProps<Value extends string> {
  value: Value;
  onChange: (value: Value) => void;
  options: { value: Value; label: string }[];
  ariaLabel: string;
  class?: string;
}

/** A row of mutually exclusive buttons (radio group; arrow keys move between them). */
export function Segmented<Value extends string>(props: SegmentedProps<Value>) {
  const move = (event: KeyboardEvent, index: number) => {
    const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = props.options[(index + step + props.options.length) % props.options.length];
    props.onChange(next.value);
    const group = (event.currentTarget as HTMLElement).parentElement;
    queueMicrotask(() => group?.querySelector<HTMLElement>(`[data-value="${next.value}"]`)?.focus());
  };
  return (
    <div role="radiogroup" aria-label={props.ariaLabel} class={`inline-flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800 ${props.class ?? ""}`}>
      <For each={props.options}>
        {(option, index) => {
          const selected = () => option.value === props.value;
          return (
            <button
              type="button"
              role="radio"
              aria-checked={selected()}
              tabIndex={selected() ? 0 : -1}
              data-value={option.value}
              onClick={() => props.onChange(option.value)}
              onKeyDown={(event) => move(event, index())}
              class={`h-8 whitespace-nowrap rounded-md px-3 text-sm font-medium transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
                selected() ? "bg-white text-zinc-900 shadow-sm dark:(bg-zinc-600 text-white)" : "text-zinc-600 hover:text-zinc-900 dark:(text-zinc-400 hover:text-white)"
              }`}
            >
              {option.label}
            </button>
          );
        }}
      </For>
    </div>
  );
}
