import { type Accessor, type JSX, type Resource, Show } from "solid-js";
import { EmptyState, ErrorBox, LoadingRows } from "./states.tsx";

/** The primary "add" button of a list page (header and empty state). */
export function AddButton(props: { label: string; onClick: () => void; testId?: string }) {
  return (
    <button type="button" class="btn-primary" onClick={() => props.onClick()} data-testid={props.testId}>
      <span class="i-lucide-plus" />
      {props.label}
    </button>
  );
}

/**
 * A loaded list's states in one place: the error with a retry, skeleton rows until the first
 * load, an empty state in a card, else `children` with the items (kept while reloading).
 */
export function ListStates<Item>(props: {
  resource: Resource<Item[]>;
  onRetry: () => void;
  loadingRows: number;
  errorClass?: string;
  empty: { icon: string; title: string; hint: string; action: JSX.Element };
  children: (list: Accessor<Item[]>) => JSX.Element;
}) {
  return (
    <>
      <Show when={props.resource.error}>
        <ErrorBox error={props.resource.error} onRetry={props.onRetry} class={props.errorClass} />
      </Show>
      <Show when={props.resource.loading && !props.resource.latest}>
        <LoadingRows rows={props.loadingRows} />
      </Show>
      <Show when={props.resource.latest}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <div class="card">
                <EmptyState icon={props.empty.icon} title={props.empty.title} hint={props.empty.hint} action={props.empty.action} />
              </div>
            }
          >
            {props.children(list)}
          </Show>
        )}
      </Show>
    </>
  );
}
