import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { CopyButton } from "../components/copy-button.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { token } from "../lib/auth.ts";
import { api } from "../lib/api.ts";
import { maskSecret } from "../lib/format.ts";
import { freshKey } from "../lib/handoff.ts";
import { t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import { buildSnippets, clientKeyOf, extensionLinks, modelsForKey, normalizeOrigin, type Snippet, type SnippetBlock } from "../lib/quick-start.ts";
import type { AuthKey } from "@llmio/contract";

/** Where the snippets' key comes from; `client:<id>` is one of the gateway's client keys (pasted, or KEY). */
type KeySource = "token" | "fresh" | "paste" | "placeholder" | `client:${number}`;

/** Copy-paste configuration for common clients, filled with this gateway's URL, a key and a model. */
export default function QuickStartPage() {
  usePageTitle("nav.quickStart");
  const [search, setSearch] = useSearchParams<{ client?: string }>();
  const [models] = createResource(() => api.models().catch(() => []));
  const [clientKeys] = createResource(() => api.authKeys().catch((): AuthKey[] => []));
  const [origin, setOrigin] = createSignal(normalizeOrigin(location.origin));
  const [source, setSource] = createSignal<KeySource>(freshKey() ? "fresh" : "token");
  const [pasted, setPasted] = createSignal("");
  const [model, setModel] = createSignal("");
  const [reveal, setReveal] = createSignal(false);

  const choose = (value: KeySource) => {
    setSource(value);
    setPasted("");
  };
  const chosenClientKey = (): AuthKey | undefined => {
    const value = source();
    return value.startsWith("client:") ? clientKeys()?.find((item) => `client:${item.id}` === value) : undefined;
  };
  const key = () => {
    const value = source();
    if (value === "token") return token() ?? "";
    if (value === "fresh") return freshKey()?.key ?? "";
    if (value === "paste" || value.startsWith("client:")) return pasted().trim();
    return "";
  };
  /**
   * The client key the snippets are for, when known: a client key limits the models it may use.
   * undefined: the admin token, the placeholder, or a pasted key the list does not know (every model).
   */
  const limitingKey = (): AuthKey | undefined => {
    const value = source();
    if (value === "fresh") return clientKeyOf(clientKeys() ?? [], freshKey()?.key ?? "");
    if (value === "paste" && key() !== token()) return clientKeyOf(clientKeys() ?? [], key());
    return chosenClientKey();
  };
  const allowedModels = () => limitingKey()?.allowedModels ?? null;
  const offeredModels = createMemo(() => modelsForKey(models() ?? [], allowedModels()));
  const unknownPastedKey = () => source() === "paste" && key() !== "" && key() !== token() && clientKeys.state === "ready" && !limitingKey();

  // Keep the chosen model among those offered: the first one when the key changes.
  createEffect(() => {
    const offered = offeredModels();
    if (!offered.some((item) => item.name === model())) setModel(offered[0]?.name ?? "");
  });

  const snippets = createMemo(() => buildSnippets({ origin: origin(), key: key(), model: model() }));
  const selected = () => snippets().find((snippet) => snippet.id === search.client) ?? snippets()[0];
  /** What is shown: the key masked unless revealed (copying always copies the real key). */
  const display = (text: string) => (reveal() || !key() ? text : text.split(key()).join(maskSecret(key())));

  return (
    <div>
      <PageHeader title={t("nav.quickStart")} subtitle={t("quick.subtitle")} />
      <section class="card card-pad mb-4 grid gap-4 md:grid-cols-3" aria-label={t("quick.settings")}>
        <div class="space-y-1.5">
          <label for="quick-origin" class="field-label">
            {t("quick.gatewayUrl")}
          </label>
          <input id="quick-origin" class="input font-mono" value={origin()} onChange={(event) => setOrigin(normalizeOrigin(event.currentTarget.value) || normalizeOrigin(location.origin))} spellcheck={false} />
          <p class="field-hint">{t("quick.hint.gatewayUrl")}</p>
        </div>
        <div class="space-y-1.5">
          <label for="quick-key" class="field-label">
            {t("quick.key")}
          </label>
          <select id="quick-key" class="input" value={source()} onChange={(event) => choose(event.currentTarget.value as KeySource)}>
            <option value="token">{t("quick.keyToken")}</option>
            <Show when={freshKey()}>
              <option value="fresh">{t("quick.keyFresh", { name: freshKey()!.name })}</option>
            </Show>
            <For each={clientKeys() ?? []}>{(item) => <option value={`client:${item.id}`}>{t("quick.keyClient", { name: item.name, hint: item.keyHint })}</option>}</For>
            <option value="paste">{t("quick.keyPaste")}</option>
            <option value="placeholder">{t("quick.keyPlaceholder")}</option>
          </select>
          <Show when={source() === "paste" || chosenClientKey()} fallback={<p class="field-hint">{t("quick.hint.key")}</p>}>
            <input
              class="input font-mono"
              type="password"
              value={pasted()}
              onInput={(event) => setPasted(event.currentTarget.value)}
              placeholder={chosenClientKey()?.keyHint ?? "sk-llmio-…"}
              aria-label={t("quick.keyPaste")}
              data-testid="quick-key-paste"
              autocomplete="off"
            />
            <Show when={chosenClientKey()}>{(chosen) => <p class="field-hint">{t("quick.pasteKeyOf", { name: chosen().name })}</p>}</Show>
          </Show>
        </div>
        <div class="space-y-1.5">
          <label for="quick-model" class="field-label">
            {t("common.model")}
          </label>
          <Show
            when={offeredModels().length > 0}
            fallback={<input id="quick-model" class="input font-mono" value={model()} onInput={(event) => setModel(event.currentTarget.value)} placeholder="MODEL" />}
          >
            <select id="quick-model" class="input" value={model()} onChange={(event) => setModel(event.currentTarget.value)}>
              <For each={offeredModels()}>{(item) => <option value={item.name}>{item.name}</option>}</For>
            </select>
          </Show>
          <Show when={allowedModels()}>
            {(allowed) => (
              <p class="field-hint" data-testid="quick-models-of-key">
                {offeredModels().length > 0 ? t("quick.modelsOfKey", { models: allowed().join(", ") }) : t("quick.noModelsForKey", { models: allowed().join(", ") || "—" })}
              </p>
            )}
          </Show>
          <Show when={unknownPastedKey()}>
            <p class="field-hint">{t("quick.unknownKey")}</p>
          </Show>
          <label class="inline-flex cursor-pointer items-center gap-2 pt-1 text-sm">
            <input type="checkbox" class="h-4 w-4 accent-brand-600" checked={reveal()} onChange={(event) => setReveal(event.currentTarget.checked)} />
            {t("quick.revealKey")}
          </label>
        </div>
      </section>

      <div class="grid items-start gap-4 lg:grid-cols-[220px_minmax(0,1fr)]">
        <nav class="-mx-3 flex gap-1.5 overflow-x-auto px-3 pb-1 lg:(mx-0 flex-col overflow-visible px-0 pb-0)" aria-label={t("quick.clients")}>
          <For each={snippets()}>
            {(snippet) => (
              <button
                type="button"
                aria-current={selected().id === snippet.id ? "true" : undefined}
                onClick={() => setSearch({ client: snippet.id }, { replace: true })}
                data-client={snippet.id}
                class={`shrink-0 whitespace-nowrap rounded-lg px-3 py-2 text-left text-sm font-medium transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
                  selected().id === snippet.id
                    ? "bg-brand-600 text-white dark:bg-brand-500"
                    : "bg-white text-zinc-700 ring-1 ring-zinc-200 hover:bg-zinc-50 dark:(bg-zinc-900 text-zinc-300 ring-zinc-800 hover:bg-zinc-800) lg:(bg-transparent ring-0) lg:dark:bg-transparent lg:dark:hover:bg-zinc-800"
                }`}
              >
                {snippet.name}
              </button>
            )}
          </For>
        </nav>
        <SnippetView snippet={selected()} display={display} />
      </div>
      <ExtensionCard />
    </div>
  );
}

/** The browser extension: what it does, and where its install guide and packages are. */
function ExtensionCard() {
  const links = extensionLinks();
  return (
    <section class="card card-pad mt-4 flex flex-wrap items-start gap-x-4 gap-y-3" data-testid="quick-extension" aria-labelledby="quick-extension-title">
      <span class="i-lucide-puzzle mt-0.5 h-5 w-5 shrink-0 text-brand-600 dark:text-brand-300" aria-hidden="true" />
      <div class="min-w-0 flex-1 basis-72">
        <h2 id="quick-extension-title" class="text-base font-semibold">
          {t("quick.extension.title")}
        </h2>
        <p class="mt-1 text-sm muted">{t("quick.extension.body")}</p>
      </div>
      <Show
        when={links}
        fallback={
          <dl class="grid min-w-0 basis-96 grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm" data-testid="quick-extension-where">
            <dt class="muted">{t("quick.extension.guide")}</dt>
            <dd>{t("quick.extension.guideLocal")}</dd>
            <dt class="muted">{t("quick.extension.downloads")}</dt>
            <dd>{t("quick.extension.downloadsLocal")}</dd>
          </dl>
        }
      >
        {(found) => (
          <div class="flex flex-wrap gap-2">
            <a class="btn-secondary btn-sm" href={found().guide} target="_blank" rel="noreferrer" data-testid="quick-extension-guide">
              <span class="i-lucide-book-open" />
              {t("quick.extension.guide")}
            </a>
            <a class="btn-secondary btn-sm" href={found().downloads} target="_blank" rel="noreferrer" data-testid="quick-extension-downloads">
              <span class="i-lucide-download" />
              {t("quick.extension.downloads")}
            </a>
          </div>
        )}
      </Show>
    </section>
  );
}

function SnippetView(props: { snippet: Snippet; display: (text: string) => string }) {
  return (
    <section class="card card-pad min-w-0 space-y-4" data-testid="snippet" data-client={props.snippet.id}>
      <div>
        <h2 class="text-base font-semibold">{props.snippet.name}</h2>
        <p class="mt-1 text-sm muted">{t(props.snippet.note)}</p>
      </div>
      <For each={props.snippet.blocks}>{(block) => <Block block={block} display={props.display} />}</For>
    </section>
  );
}

const codeBlock = (block: SnippetBlock) => (block.kind === "code" ? block : undefined);
const fieldsBlock = (block: SnippetBlock) => (block.kind === "fields" ? block : undefined);

function Block(props: { block: SnippetBlock; display: (text: string) => string }) {
  return (
    <Switch>
      <Match when={codeBlock(props.block)}>
        {(code) => (
          <div class="min-w-0 overflow-hidden rounded-lg bg-zinc-950 ring-1 ring-zinc-900 dark:ring-zinc-800">
            <div class="flex items-center justify-between border-b border-white/10 px-3 py-1.5">
              <span class="font-mono text-xs text-zinc-400">{code().title ?? code().language}</span>
              <CopyButton text={() => code().code} class="btn h-7 px-2 text-xs text-zinc-300 hover:bg-white/10 hover:text-white" label={t("common.copy")} />
            </div>
            <pre class="code-block overflow-x-auto p-3 font-mono text-xs leading-relaxed text-zinc-100" data-testid="snippet-code">
              {props.display(code().code)}
            </pre>
          </div>
        )}
      </Match>
      <Match when={fieldsBlock(props.block)}>
        {(fields) => (
          <dl class="divide-y divide-zinc-100 overflow-hidden rounded-lg border border-zinc-200 dark:(divide-zinc-800 border-zinc-800)">
            <For each={fields().rows}>
              {(row) => (
                <div class="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
                  <dt class="w-40 shrink-0 text-sm muted">{t(row.label)}</dt>
                  <dd class="flex min-w-0 flex-1 items-center gap-2">
                    <code class="min-w-0 flex-1 break-all font-mono text-sm">{props.display(row.value)}</code>
                    <CopyButton text={row.value} />
                  </dd>
                </div>
              )}
            </For>
          </dl>
        )}
      </Match>
    </Switch>
  );
}
