import { type JSX, Show } from "solid-js";

/** Page title with an optional subtitle and actions on the right (wrapping under on phones). */
export function PageHeader(props: { title: JSX.Element; subtitle?: JSX.Element; actions?: JSX.Element }) {
  return (
    <div class="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div class="min-w-0">
        <h1 class="page-title">{props.title}</h1>
        <Show when={props.subtitle}>
          <p class="mt-0.5 text-sm muted">{props.subtitle}</p>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="flex flex-wrap items-center gap-2">{props.actions}</div>
      </Show>
    </div>
  );
}
