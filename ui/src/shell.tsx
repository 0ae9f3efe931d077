import { A, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, Show, Suspense } from "solid-js";
import { Logo } from "./components/logo.tsx";
import { LocaleSelect, ThemeButton } from "./components/preferences.tsx";
import { LoadingRows } from "./components/states.tsx";
import { api } from "./lib/api.ts";
import { clearToken, token } from "./lib/auth.ts";
import { t } from "./lib/i18n/index.ts";
import { NAV_ITEMS } from "./lib/navigation.ts";
import type { Status } from "@llmio/contract";

/**
 * The signed-in frame: sidebar (a slide-over menu on phones), and the auth gate — without a
 * token, or once the API answers 401, it sends the user to /login and back afterwards.
 */
export function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = createSignal(false);
  const [status] = createResource(token, () => api.status().catch(() => undefined));

  createEffect(() => {
    if (!token()) {
      const next = `${location.pathname}${location.search}`;
      navigate(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  });
  // Close the phone menu after navigating.
  createEffect(() => {
    location.pathname;
    setMenuOpen(false);
  });

  const isActive = (href: string) => (href === "/" ? location.pathname === "/" : location.pathname.startsWith(href));

  const navigation = () => (
    <nav class="flex flex-1 flex-col gap-0.5 p-3" aria-label={t("nav.main")}>
      <For each={NAV_ITEMS}>
        {(item) => (
          <A
            href={item.href}
            end={item.href === "/"}
            aria-current={isActive(item.href) ? "page" : undefined}
            class={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
              isActive(item.href)
                ? "bg-brand-50 text-brand-700 dark:(bg-brand-500/15 text-brand-200)"
                : "text-zinc-600 hover:(bg-zinc-100 text-zinc-900) dark:(text-zinc-400 hover:bg-zinc-800 hover:text-zinc-100)"
            }`}
          >
            <span class={`${item.icon} text-base`} />
            {t(item.label)}
          </A>
        )}
      </For>
    </nav>
  );

  const footer = () => (
    <div class="space-y-3 border-t border-zinc-200 p-3 dark:border-zinc-800">
      <div class="flex items-center gap-2">
        <LocaleSelect class="flex-1" />
        <ThemeButton />
      </div>
      <div class="flex items-center justify-between gap-2 px-1">
        <span class="truncate text-xs muted" title={[t("common.version"), deploymentOf(status())].filter(Boolean).join(" · ")}>
          <Show when={status()?.version} fallback="llmio">
            llmio v{status()!.version}
          </Show>
        </span>
        <button type="button" class="btn-ghost btn-sm" onClick={() => clearToken()} data-testid="logout">
          <span class="i-lucide-log-out" />
          {t("common.logout")}
        </button>
      </div>
    </div>
  );

  return (
    <Show when={token()}>
      <a href="#main" class="sr-only focus:(not-sr-only fixed left-2 top-2 z-[70] rounded-md bg-white px-3 py-2 shadow)">
        {t("common.skipToContent")}
      </a>
      {/* Desktop sidebar */}
      <aside class="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col border-r border-zinc-200 bg-white dark:(border-zinc-800 bg-zinc-900) lg:flex">
        <div class="flex h-14 items-center px-5">
          <Logo />
        </div>
        {navigation()}
        {footer()}
      </aside>
      {/* Phone / tablet top bar */}
      <header class="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-zinc-200 bg-white/90 px-3 backdrop-blur dark:(border-zinc-800 bg-zinc-900/90) lg:hidden">
        <button type="button" class="btn-icon" aria-label={t("nav.openMenu")} aria-expanded={menuOpen()} onClick={() => setMenuOpen(true)} data-testid="menu-button">
          <span class="i-lucide-menu text-lg" />
        </button>
        <Logo />
        <div class="flex-1" />
        <ThemeButton />
      </header>
      <Show when={menuOpen()}>
        <div class="fixed inset-0 z-40 lg:hidden">
          <div class="absolute inset-0 bg-zinc-950/40" onClick={() => setMenuOpen(false)} />
          <div
            class="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col bg-white shadow-xl animate-slide-in-left animate-duration-200 dark:bg-zinc-900"
            role="dialog"
            aria-modal="true"
            aria-label={t("nav.main")}
            onKeyDown={(event) => event.key === "Escape" && setMenuOpen(false)}
          >
            <div class="flex h-14 items-center justify-between px-4">
              <Logo />
              <button type="button" class="btn-icon" aria-label={t("common.close")} onClick={() => setMenuOpen(false)} autofocus>
                <span class="i-lucide-x" />
              </button>
            </div>
            {navigation()}
            {footer()}
          </div>
        </div>
      </Show>
      <main id="main" class="lg:pl-60">
        <div class="mx-auto max-w-[1400px] px-3 py-5 sm:px-6 sm:py-6">
          <Suspense fallback={<LoadingRows rows={6} />}>{props.children}</Suspense>
        </div>
      </main>
    </Show>
  );
}

/** "PostgreSQL + Redis" for a multi-instance gateway (shown on hover), nothing for the single-instance default. */
function deploymentOf(status: Status | undefined): string | undefined {
  if (status?.database !== "postgres" && status?.sharedState !== "redis") return undefined;
  const parts = [status?.database === "postgres" ? "PostgreSQL" : "SQLite", status?.sharedState === "redis" ? `Redis${status.sharedStateAvailable === false ? " (unreachable)" : ""}` : undefined];
  return parts.filter(Boolean).join(" + ");
}
