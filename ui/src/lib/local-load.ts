import { type Accessor, createSignal } from "solid-js";

/** A value loaded once (and again on `reload`), with its error kept as a value. */
export interface LocalLoad<T> {
  value: Accessor<T | undefined>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  reload: () => Promise<void>;
}

/**
 * Loads data for a dialog without `createResource`: a resource read inside the shell's
 * `<Suspense>` swaps the whole page for its skeleton while it loads, and an errored resource
 * throws from every read, so a failed load left the page an endless skeleton with the message
 * only in the console. Here nothing suspends and nothing throws; the error is shown in place.
 */
export function createLocalLoad<T>(fetcher: () => Promise<T>): LocalLoad<T> {
  const [value, setValue] = createSignal<T>();
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(true);
  let latest = 0;
  const reload = async () => {
    const run = ++latest;
    setLoading(true);
    setError(undefined);
    try {
      const loaded = await fetcher();
      if (run === latest) setValue(() => loaded);
    } catch (caught) {
      if (run === latest) {
        setValue(undefined);
        // An error with no value (a bare `throw undefined`) still shows as failed.
        setError(() => caught ?? new Error("failed"));
      }
    } finally {
      if (run === latest) setLoading(false);
    }
  };
  void reload();
  return { value, error, loading, reload };
}
