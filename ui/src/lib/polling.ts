import { createResource, onCleanup, type ResourceReturn } from "solid-js";

/**
 * A resource refetched every `intervalMs` while the page is visible (a hidden tab makes no
 * requests; it refetches at once when shown again). The previous value stays during a refetch.
 */
export function createPolling<T>(fetcher: () => Promise<T>, intervalMs: number): ResourceReturn<T> {
  const resource = createResource(fetcher);
  const [, { refetch }] = resource;
  const visible = () => globalThis.document?.visibilityState !== "hidden";
  const timer = setInterval(() => {
    if (visible()) void refetch();
  }, intervalMs);
  const onVisibility = () => {
    if (visible()) void refetch();
  };
  globalThis.document?.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => {
    clearInterval(timer);
    globalThis.document?.removeEventListener("visibilitychange", onVisibility);
  });
  return resource;
}
