import type { Signal } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";

/**
 * Storage for a list resource (`createResource(fetcher, { storage: createReconciledSignal })`):
 * each load is reconciled into a store by `id`, so items that are still there keep their
 * identity and `<For>` keeps their rows, with the rows' own state (a connection test's result),
 * instead of rebuilding every row on each reload.
 */
export function createReconciledSignal<T>(value: T): Signal<T> {
  const [store, setStore] = createStore<{ value: T }>({ value });
  const read = () => store.value;
  const write = (next: T | ((previous: T) => T)) => {
    const resolved = typeof next === "function" ? (next as (previous: T) => T)(unwrap(store.value)) : next;
    setStore("value", reconcile(resolved, { key: "id" }));
    return store.value;
  };
  return [read, write] as Signal<T>;
}
