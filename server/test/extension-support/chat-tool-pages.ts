/**
 * Local test doubles of the web chat tools the extension sets up, all on one loopback origin,
 * one path per tool, each imitating what the real app does where it matters to the extension
 * (facts: /work/notes/chat-apps-research.md, read from the apps' sources):
 *
 * - NextChat (`/nextchat/`): zustand stores persisted in IndexedDB through idb-keyval
 *   (`keyval-store`/`keyval`, JSON strings under `access-control` and `app-config`), hydrated on
 *   load and written back whole; the model list built from `customModels`; the `#/?settings=`
 *   fast link with the app's confirm (which shows the whole payload, key included) and its
 *   removal of the parameter by a history push.
 * - LobeHub (`/lobechat/`): a signed-in SPA over tRPC (`/trpc/lambda/<procedure>`, superjson
 *   envelopes, session cookie): providers and models server-side; chat uses the `openai`
 *   provider record, never the legacy `settings.keyVaults`; `?settings=` merged into user
 *   settings after a replaceState.
 * - Open WebUI (`/open-webui/`): `/openai/config[/update]` for admins only, with the backend's
 *   assignment rules; models listed from each connection's `/models`; the user's default
 *   model in user settings `ui.models`; chat proxied by the backend.
 * - A generic settings form (`/settings-form/`) and a NextChat look-alike in no list (`/plain/`).
 *
 * Every tool page shows the model it would send (`#model`), its model list (`#models`), its
 * settings (`#state`, keys masked) and sends one message with `#send` (answer in `#reply`).
 * Shared by the extension's browser suites (Chromium, Firefox, permissions).
 */
import { lobeHubPage } from "./chat-tool-pages/lobehub.ts";
import { nextChatPage } from "./chat-tool-pages/nextchat.ts";
import { openWebUiPage } from "./chat-tool-pages/open-webui.ts";
import { htmlPage } from "./chat-tool-pages/shell.ts";
import { createLobeHubBackend, handleLobeHub, type LobeHubBackend } from "./chat-tool-pages/lobehub-backend.ts";
import { createOpenWebUiBackend, handleOpenWebUi, OPEN_WEBUI_TOKEN, OPEN_WEBUI_USER_TOKEN, type OpenWebUiBackend, type OpenWebUiConfig } from "./chat-tool-pages/open-webui-backend.ts";
import { settingsFormPage } from "./chat-tool-pages/settings-form.ts";

export { OPEN_WEBUI_TOKEN, OPEN_WEBUI_USER_TOKEN, type LobeHubBackend, type OpenWebUiBackend, type OpenWebUiConfig };

/** The pages served, each under `/<kind>/`. `plain` looks like NextChat but is in no host list. */
export type ChatToolPageKind = "nextchat" | "lobechat" | "open-webui" | "settings-form" | "plain";

/** What the NextChat double's deployment pushes through `/api/config` (env in the real app). */
export interface NextChatServer {
  /** `DISABLE_FAST_LINK`: the `#/?settings=` link is ignored silently. */
  disableFastLink: boolean;
}

export interface ChatToolPages {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The page of one tool: `${url}/${kind}/`. */
  pageUrl(kind: ChatToolPageKind): string;
  nextChat: NextChatServer;
  lobeHub: LobeHubBackend;
  openWebUi: OpenWebUiBackend;
  stop(): void;
}

export function startChatToolPages(options: { port?: number } = {}): ChatToolPages {
  const nextChat: NextChatServer = { disableFastLink: false };
  const lobeHub = createLobeHubBackend();
  const openWebUi = createOpenWebUiBackend();
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const { pathname } = new URL(request.url);
      const openWebUiAnswer = await handleOpenWebUi(openWebUi, request, pathname);
      if (openWebUiAnswer) return openWebUiAnswer;
      const lobeAnswer = await handleLobeHub(lobeHub, request, pathname);
      if (lobeAnswer) return lobeAnswer;
      if (pathname === "/nextchat/api/config" && request.method === "POST") {
        return Response.json({ needCode: false, hideUserApiKey: false, disableGPT4: false, hideBalanceQuery: true, disableFastLink: nextChat.disableFastLink, customModels: "", defaultModel: "", visionModels: "" });
      }
      if (pathname.startsWith("/nextchat/")) return nextChatPage();
      if (pathname.startsWith("/lobechat/")) return lobeHubPage(lobeHub);
      if (pathname.startsWith("/open-webui/")) return openWebUiPage();
      if (pathname.startsWith("/settings-form/")) return settingsFormPage();
      if (pathname.startsWith("/plain/")) return htmlPage({ title: "NextChat", body: `<p>A NextChat-looking page that is not in the extension's list.</p>`, script: "" });
      return new Response("not found", { status: 404 });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return { url, pageUrl: (kind) => `${url}/${kind}/`, nextChat, lobeHub, openWebUi, stop: () => server.stop(true) };
}
