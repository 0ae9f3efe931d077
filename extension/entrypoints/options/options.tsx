import { createResource, createSignal, For, onCleanup, Show, type JSX } from "solid-js";
import { browser } from "wxt/browser";
import { GatewayClient } from "../../src/api/client.ts";
import { CHAT_TOOLS, BUILT_IN_CHAT_TOOL_HOSTS, type ChatToolKind } from "../../src/chat-tools/index.ts";
import { probeGateway, type Connection } from "../../src/connection.ts";
import { firstInstallItem, initialGatewayUrl, type FirstInstallFinding } from "../../src/first-install.ts";
import { t } from "../../src/i18n.ts";
import { sendMessage } from "../../src/messages.ts";
import { hasHostAccess, releaseHostAccess, requestHostAccess } from "../../src/permissions.ts";
import {
  chatToolHostsItem,
  credentialItem,
  DEFAULT_GATEWAY_URL,
  gatewayUrlItem,
  normalizeGatewayUrl,
  normalizeHostUrl,
  readSettings,
  toolKeyItem,
  type ChatToolHost,
  type Settings,
} from "../../src/settings.ts";
import { FirstInstallNotice } from "../../src/ui/first-install-notice.tsx";

type Notice = { tone: "ok" | "warn" | "bad"; text: string };

const NOTICE_CLASSES: Record<Notice["tone"], string> = {
  ok: "text-emerald-700 dark:text-emerald-400",
  warn: "text-amber-700 dark:text-amber-400",
  bad: "text-red-700 dark:text-red-400",
};

export function Options() {
  const [settings, { refetch }] = createResource(readSettings);
  const [firstInstall] = createResource(() => firstInstallItem.getValue());
  return (
    <main class="mx-auto max-w-2xl space-y-5 px-4 py-8">
      <header class="flex items-center gap-3">
        <span class="grid h-9 w-9 place-items-center rounded-xl bg-brand-600 text-lg font-bold text-white">L</span>
        <div>
          <h1 class="text-xl font-semibold tracking-tight">{t("optionsTitle")}</h1>
          <p class="text-sm muted">{t("optionsSubtitle")}</p>
        </div>
      </header>
      <Show when={firstInstall.state === "ready" && settings()}>
        {(loaded) => (
          <>
            <GatewayCard settings={loaded()} firstInstall={firstInstall() ?? null} onSaved={refetch} />
            <ChatToolsCard settings={loaded()} onChanged={refetch} />
            <ShortcutCard />
          </>
        )}
      </Show>
    </main>
  );
}

function Card(props: { title: string; description?: string; children: JSX.Element; testId?: string }) {
  return (
    <section class="card p-5 shadow-sm" data-testid={props.testId}>
      <h2 class="text-base font-semibold">{props.title}</h2>
      <Show when={props.description}>
        <p class="mt-1 text-sm muted">{props.description}</p>
      </Show>
      <div class="mt-4">{props.children}</div>
    </section>
  );
}

function describeConnection(connection: Connection): Notice {
  switch (connection.kind) {
    case "admin":
      return { tone: "ok", text: t("testAdmin", { version: connection.status.version }) };
    case "client":
      return { tone: "ok", text: t("testClient", { count: connection.models.length }) };
    case "unauthorized":
      return { tone: "warn", text: connection.reason === "missing" ? t("testNoToken") : t("testRejected") };
    case "slow":
      return { tone: "bad", text: t("testSlow", { message: connection.message }) };
    case "down":
      return { tone: "bad", text: t("testDown", { message: connection.message }) };
    case "error":
      return { tone: "bad", text: connection.message };
  }
}

function GatewayCard(props: { settings: Settings; firstInstall: FirstInstallFinding | null; onSaved: () => void }) {
  // Empty after a first install that found no llmio: the default shows as the placeholder, and is used.
  const [url, setUrl] = createSignal(initialGatewayUrl(props.settings.gatewayUrl, props.firstInstall));
  const [finding, setFinding] = createSignal(props.firstInstall);
  const [credential, setCredential] = createSignal(props.settings.credential);
  const [toolKey, setToolKey] = createSignal(props.settings.toolKey);
  const [showSecrets, setShowSecrets] = createSignal(false);
  const [notice, setNotice] = createSignal<Notice>();
  const [testing, setTesting] = createSignal(false);

  const test = async () => {
    const baseUrl = normalizeGatewayUrl(url() || DEFAULT_GATEWAY_URL);
    if (!baseUrl) return setNotice({ tone: "bad", text: t("invalidUrl") });
    setTesting(true);
    setNotice(undefined);
    const connection = await probeGateway(new GatewayClient({ baseUrl, credential: credential().trim() }));
    setTesting(false);
    setNotice(describeConnection(connection));
  };

  const save = (event: SubmitEvent) => {
    event.preventDefault();
    const baseUrl = normalizeGatewayUrl(url() || DEFAULT_GATEWAY_URL);
    if (!baseUrl) return setNotice({ tone: "bad", text: t("invalidUrl") });
    // Asked first, inside the click: a remote gateway needs the user's grant for its origin.
    const access = requestHostAccess(baseUrl);
    void access.then(async (granted) => {
      if (!granted) return setNotice({ tone: "bad", text: t("accessDenied", { origin: new URL(baseUrl).origin }) });
      const previous = props.settings.gatewayUrl;
      await Promise.all([gatewayUrlItem.setValue(baseUrl), credentialItem.setValue(credential().trim()), toolKeyItem.setValue(toolKey().trim()), firstInstallItem.removeValue()]);
      setFinding(null);
      if (previous !== baseUrl) await releaseHostAccess(previous, [baseUrl, ...props.settings.chatToolHosts.map((host) => host.url)]);
      setUrl(baseUrl);
      await sendMessage({ type: "settings-changed" }).catch(() => null);
      setNotice({ tone: "ok", text: t("saved") });
      props.onSaved();
    });
  };

  return (
    <Card title={t("gateway")} description={t("gatewayDescription")} testId="gateway-card">
      <form class="space-y-4" onSubmit={save}>
        <FirstInstallNotice finding={finding()} />
        <label class="block space-y-1">
          <span class="field-label">{t("gatewayUrl")}</span>
          <input class="input" name="gatewayUrl" type="url" value={url()} placeholder={DEFAULT_GATEWAY_URL} onInput={(event) => setUrl(event.currentTarget.value)} data-testid="gateway-url" />
          <span class="field-hint">{t("gatewayUrlHint")}</span>
        </label>
        <label class="block space-y-1">
          <span class="field-label">{t("credential")}</span>
          <div class="flex gap-2">
            <input
              class="input font-mono"
              name="credential"
              type={showSecrets() ? "text" : "password"}
              autocomplete="off"
              value={credential()}
              onInput={(event) => setCredential(event.currentTarget.value)}
              data-testid="credential"
            />
            <button type="button" class="btn-secondary h-9 w-9 px-0" title={showSecrets() ? t("hide") : t("show")} aria-label={showSecrets() ? t("hide") : t("show")} onClick={() => setShowSecrets(!showSecrets())}>
              <span class={showSecrets() ? "i-lucide-eye-off" : "i-lucide-eye"} />
            </button>
          </div>
          <span class="field-hint">{t("credentialHint")}</span>
        </label>
        <label class="block space-y-1">
          <span class="field-label">{t("toolKey")}</span>
          <input class="input font-mono" name="toolKey" type={showSecrets() ? "text" : "password"} autocomplete="off" value={toolKey()} onInput={(event) => setToolKey(event.currentTarget.value)} data-testid="tool-key" />
          <span class="field-hint">{t("toolKeyHint")}</span>
        </label>
        <div class="flex flex-wrap items-center gap-2">
          <button type="submit" class="btn-primary h-9" data-testid="save">
            <span class="i-lucide-save" />
            {t("save")}
          </button>
          <button type="button" class="btn-secondary h-9" disabled={testing()} onClick={test} data-testid="test">
            <span class={testing() ? "i-lucide-loader-circle animate-spin" : "i-lucide-plug"} />
            {t("test")}
          </button>
          <Show when={notice()}>
            {(current) => (
              <p class={`text-sm ${NOTICE_CLASSES[current().tone]}`} role="status" data-testid="notice">
                {current().text}
              </p>
            )}
          </Show>
        </div>
      </form>
    </Card>
  );
}

const TOOL_CHOICES: { value: ChatToolKind | "auto"; label: () => string }[] = [
  { value: "auto", label: () => t("toolAuto") },
  { value: "nextchat", label: () => CHAT_TOOLS.nextchat.label },
  { value: "lobechat", label: () => CHAT_TOOLS.lobechat.label },
  { value: "open-webui", label: () => CHAT_TOOLS["open-webui"].label },
  { value: "form", label: () => t("toolForm") },
];

function toolName(tool: ChatToolHost["tool"]): string {
  return TOOL_CHOICES.find((choice) => choice.value === tool)?.label() ?? tool;
}

function ChatToolsCard(props: { settings: Settings; onChanged: () => void }) {
  const [hosts, setHosts] = createSignal(props.settings.chatToolHosts);
  const [url, setUrl] = createSignal("");
  const [tool, setTool] = createSignal<ChatToolHost["tool"]>("auto");
  const [notice, setNotice] = createSignal<Notice>();
  const [access, { refetch: recheck }] = createResource(hosts, async (list) =>
    Object.fromEntries(await Promise.all(list.map(async (host) => [host.url, await hasHostAccess(host.url).catch(() => false)] as const))),
  );
  // Site access can change outside this page (the browser's extension settings): show it as it is.
  const onAccessChanged = () => void recheck();
  browser.permissions.onAdded?.addListener(onAccessChanged);
  browser.permissions.onRemoved?.addListener(onAccessChanged);
  onCleanup(() => {
    browser.permissions.onAdded?.removeListener(onAccessChanged);
    browser.permissions.onRemoved?.removeListener(onAccessChanged);
  });

  const store = async (next: ChatToolHost[]) => {
    await chatToolHostsItem.setValue(next);
    setHosts(next);
    await sendMessage({ type: "settings-changed" }).catch(() => null);
    props.onChanged();
  };

  const add = (event: SubmitEvent) => {
    event.preventDefault();
    const hostUrl = normalizeHostUrl(url());
    if (!hostUrl) return setNotice({ tone: "bad", text: t("invalidUrl") });
    const entry = { url: hostUrl, tool: tool() };
    void requestHostAccess(hostUrl).then(async (granted) => {
      if (!granted) return setNotice({ tone: "bad", text: t("accessDenied", { origin: new URL(hostUrl).origin }) });
      await store([...hosts().filter((host) => host.url !== hostUrl), entry]);
      setUrl("");
      setNotice({ tone: "ok", text: t("hostAdded", { url: hostUrl }) });
    });
  };

  const grant = (host: ChatToolHost) => {
    void requestHostAccess(host.url).then(async (granted) => {
      await sendMessage({ type: "settings-changed" }).catch(() => null);
      void recheck();
      if (!granted) setNotice({ tone: "bad", text: t("accessDenied", { origin: new URL(host.url).origin }) });
    });
  };

  const remove = async (host: ChatToolHost) => {
    const rest = hosts().filter((other) => other.url !== host.url);
    await store(rest);
    await releaseHostAccess(host.url, [props.settings.gatewayUrl, ...rest.map((other) => other.url)]);
    setNotice({ tone: "ok", text: t("hostRemoved", { url: host.url }) });
  };

  return (
    <Card title={t("chatTools")} description={t("chatToolsDescription")} testId="chat-tools-card">
      <ul class="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:(divide-zinc-800 border-zinc-800)" data-testid="host-list">
        <For each={BUILT_IN_CHAT_TOOL_HOSTS}>
          {(host) => (
            <li class="flex items-center gap-3 px-3 py-2 text-sm">
              <span class="min-w-0 flex-1 truncate font-mono text-[13px]">{host.url}</span>
              <span class="badge-muted">{toolName(host.tool)}</span>
              <span class="badge-brand">{t("builtIn")}</span>
            </li>
          )}
        </For>
        <For each={hosts()}>
          {(host) => (
            <li class="flex items-center gap-3 px-3 py-2 text-sm" data-testid="user-host">
              <span class="min-w-0 flex-1 truncate font-mono text-[13px]">{host.url}</span>
              <span class="badge-muted">{toolName(host.tool)}</span>
              <Show when={access()?.[host.url] === false}>
                <button type="button" class="btn-secondary h-7 px-2 text-xs" onClick={() => grant(host)} data-testid="grant-access">
                  {t("grantAccess")}
                </button>
              </Show>
              <button type="button" class="btn-icon h-7 w-7" title={t("remove")} aria-label={`${t("remove")} ${host.url}`} onClick={() => void remove(host)}>
                <span class="i-lucide-trash-2" />
              </button>
            </li>
          )}
        </For>
      </ul>
      <form class="mt-3 flex flex-wrap gap-2" onSubmit={add}>
        <input class="input flex-1 basis-64 font-mono" type="url" required placeholder="https://chat.example.com/" value={url()} onInput={(event) => setUrl(event.currentTarget.value)} aria-label={t("hostUrl")} data-testid="host-url" />
        <select class="input w-auto" value={tool()} onChange={(event) => setTool(event.currentTarget.value as ChatToolHost["tool"])} aria-label={t("hostTool")} data-testid="host-tool">
          <For each={TOOL_CHOICES}>{(choice) => <option value={choice.value}>{choice.label()}</option>}</For>
        </select>
        <button type="submit" class="btn-primary h-9" data-testid="add-host">
          <span class="i-lucide-plus" />
          {t("add")}
        </button>
      </form>
      <p class="mt-2 field-hint">{t("chatToolsHint")}</p>
      <Show when={notice()}>
        {(current) => (
          <p class={`mt-2 text-sm ${NOTICE_CLASSES[current().tone]}`} role="status" data-testid="hosts-notice">
            {current().text}
          </p>
        )}
      </Show>
    </Card>
  );
}

function ShortcutCard() {
  return (
    <Card title={t("shortcutTitle")}>
      <p class="text-sm">
        <kbd class="rounded border border-zinc-300 bg-zinc-50 px-1.5 font-mono text-xs dark:(border-zinc-700 bg-zinc-800)">Alt+Shift+L</kbd> {t("shortcutBody")}
      </p>
      <p class="mt-1 field-hint">{t("shortcutHint")}</p>
    </Card>
  );
}
