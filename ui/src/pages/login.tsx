import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { Logo } from "../components/logo.tsx";
import { LocaleSelect, ThemeButton } from "../components/preferences.tsx";
import { Spinner } from "../components/states.tsx";
import { ApiError, createApiClient } from "../lib/api-client.ts";
import { setToken, token } from "../lib/auth.ts";
import { t } from "../lib/i18n/index.ts";
import { isLockout, lockoutNotice } from "../lib/lockout.ts";
import { usePageTitle } from "../lib/page-title.ts";

/** Where to go after login: only same-site paths (no open redirect to another origin). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

/** Sign in with the admin TOKEN; it is checked against the API before it is kept. */
export function LoginPage() {
  usePageTitle("login.title");
  const navigate = useNavigate();
  const [search] = useSearchParams<{ next?: string }>();
  const [value, setValue] = createSignal("");
  const [reveal, setReveal] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<{ message: string } | { lockedUntil: number | undefined } | null>(null);
  // Ticks while locked out, so the wait counts down and the notice goes when the lockout ends.
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => {
    const current = failure();
    if (!current || !("lockedUntil" in current)) return;
    setNow(Date.now());
    if (current.lockedUntil !== undefined && current.lockedUntil <= Date.now()) setFailure(null);
  }, 1000);
  onCleanup(() => clearInterval(clock));
  const error = (): string | null => {
    const current = failure();
    if (!current) return null;
    return "message" in current ? current.message : lockoutNotice(current.lockedUntil, now());
  };
  const setError = (message: string | null) => setFailure(message === null ? null : { message });

  onMount(() => {
    if (token()) navigate(safeNext(search.next), { replace: true });
  });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const candidate = value().trim();
    if (!candidate) {
      setError(t("login.required"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await createApiClient({ token: () => candidate }).get("/api/status");
      setToken(candidate);
      navigate(safeNext(search.next), { replace: true });
    } catch (caught) {
      setNow(Date.now());
      if (isLockout(caught)) setFailure({ lockedUntil: caught.retryAt });
      else setError(caught instanceof ApiError && caught.status === 401 ? t("login.invalid") : (caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="relative flex min-h-screen items-center justify-center bg-[linear-gradient(180deg,#e0e7ff_0%,#fafafa_55%)] px-4 dark:bg-[linear-gradient(180deg,#1e1b4b_0%,#09090b_55%)]">
      <div class="absolute right-3 top-3 flex items-center gap-2">
        <LocaleSelect />
        <ThemeButton />
      </div>
      <div class="w-full max-w-sm">
        <div class="mb-6 flex justify-center">
          <Logo />
        </div>
        <form class="card card-pad space-y-4" onSubmit={submit} novalidate>
          <div>
            <h1 class="text-lg font-semibold">{t("login.title")}</h1>
            <p class="mt-1 text-sm muted">{t("login.subtitle")}</p>
          </div>
          <div class="space-y-1.5">
            <label for="token" class="field-label">
              {t("login.token")}
            </label>
            <div class="relative">
              <input
                id="token"
                name="token"
                type={reveal() ? "text" : "password"}
                autocomplete="current-password"
                class={`input pr-10 font-mono ${error() ? "input-invalid" : ""}`}
                value={value()}
                onInput={(event) => setValue(event.currentTarget.value)}
                aria-invalid={error() ? "true" : undefined}
                aria-describedby={error() ? "token-error" : "token-hint"}
                autofocus
              />
              <button
                type="button"
                class="btn-icon absolute right-0.5 top-0 h-9 w-9"
                aria-label={reveal() ? t("login.hide") : t("login.show")}
                aria-pressed={reveal()}
                onClick={() => setReveal(!reveal())}
              >
                <span class={reveal() ? "i-lucide-eye-off" : "i-lucide-eye"} />
              </button>
            </div>
            <Show when={error()} fallback={<p id="token-hint" class="field-hint">{t("login.hint")}</p>}>
              <p id="token-error" class="field-error" role="alert" data-testid="login-error">
                {error()}
              </p>
            </Show>
          </div>
          <button type="submit" class="btn-primary w-full" disabled={busy()}>
            <Show when={busy()}>
              <Spinner />
            </Show>
            {t("login.submit")}
          </button>
        </form>
      </div>
    </div>
  );
}
