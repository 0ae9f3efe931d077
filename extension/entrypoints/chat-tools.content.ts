import type { ContentScriptContext } from "wxt/utils/content-script-context";
import { defineContentScript } from "wxt/utils/define-content-script";
import { BUILT_IN_CHAT_TOOL_MATCHES, CHAT_TOOLS, detectChatTool, type ChatTool, type ChatToolKind } from "../src/chat-tools/index.ts";
import { pointsAtGateway } from "../src/chat-tools/models.ts";
import { showPrompt } from "../src/chat-tools/prompt.ts";
import type { ToolConnection, ToolPage } from "../src/chat-tools/types.ts";
import { t } from "../src/i18n.ts";
import { sendMessage } from "../src/messages.ts";

/** How long an "auto" page may take to show which tool it is (SPAs set their title late). */
const DETECT_FOR_MS = 3000;

/**
 * The "use llmio here?" prompt on chat-tool pages. Declared for the built-in public hosts and
 * registered at run time for the user's own hosts (see background-service.ts). Isolated world
 * is enough for every tool: NextChat's stores are the origin's IndexedDB (shared with content
 * scripts), LobeHub's and Open WebUI's APIs are same-origin `fetch` with the page's session,
 * and form filling works on the shared DOM. No key ever goes into a URL.
 */
export default defineContentScript({
  matches: BUILT_IN_CHAT_TOOL_MATCHES,
  runAt: "document_idle",
  async main(ctx) {
    // Once per page, also when a user-added host repeats a built-in one (both scripts run, in
    // the same isolated world, one after the other).
    const world = globalThis as { llmioChatTools?: boolean };
    if (window.top !== window || world.llmioChatTools) return;
    world.llmioChatTools = true;
    const lookup = await sendMessage({ type: "chat-tool:lookup", url: location.href }).catch(() => null);
    if (!lookup) return;
    const kind = lookup.tool === "auto" ? await detectWithin(ctx, DETECT_FOR_MS) : lookup.tool;
    if (!kind || ctx.isInvalid) return;
    const tool = CHAT_TOOLS[kind];
    const page: ToolPage = {
      href: location.href,
      appUrl: lookup.appUrl,
      document,
      localStorage,
      indexedDB,
      fetch: pageFetch,
      reload: () => location.reload(),
    };

    // Already pointing at this gateway: nothing to offer; the popup lists it as connected.
    const connection = await readConnection(tool, page, lookup.gatewayUrl);
    if (tool.readConnection && connection !== "unknown") {
      const connected = pointsAtGateway(connection, lookup.gatewayUrl);
      await sendMessage({ type: "chat-tool:status", tool: kind, connected, model: connected ? connection?.model : undefined }).catch(() => null);
      if (connected) return;
    }

    // Per tab: once the user used or dismissed the prompt, it stays away on this app.
    const memoryKey = `llmio:prompt:${lookup.appUrl}`;
    if (sessionStorage.getItem(memoryKey) || ctx.isInvalid) return;
    const prompt = showPrompt(document, {
      strings: {
        title: t("promptTitle"),
        body: t("promptBody", { tool: kind === "form" ? t("thisApp") : tool.label, url: lookup.gatewayUrl }),
        use: t("promptUse"),
        notNow: t("promptNotNow"),
        working: t("promptWorking"),
        done: t("promptDone"),
        close: t("close"),
      },
      async onUse() {
        const answer = await sendMessage({ type: "chat-tool:target" });
        if (!answer.ok) return answer;
        const result = await tool.apply(answer.target, { ...page, href: location.href });
        if (result.ok) sessionStorage.setItem(memoryKey, "used");
        return result;
      },
      onDismiss: () => sessionStorage.setItem(memoryKey, "dismissed"),
    });
    ctx.onInvalidated(prompt.remove);
  },
});

/** The app's connection; "unknown" when reading it failed (signed out, not an admin, offline). */
async function readConnection(tool: ChatTool, page: ToolPage, gatewayUrl: string): Promise<ToolConnection | undefined | "unknown"> {
  try {
    return await tool.readConnection?.(page, gatewayUrl);
  } catch {
    return "unknown";
  }
}

/**
 * `fetch` as the page itself would send it. In Firefox a content script's own `fetch` runs with
 * the extension's principal; `content.fetch` is the page's (same origin, its cookies).
 */
function pageFetch(url: string, init: RequestInit): Promise<Response> {
  const pageWindow = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  return pageWindow?.fetch ? pageWindow.fetch(url, init) : fetch(url, init);
}

function detectWithin(ctx: ContentScriptContext, milliseconds: number): Promise<ChatToolKind | undefined> {
  return new Promise((resolve) => {
    const started = Date.now();
    const attempt = () => {
      const kind = detectChatTool(document);
      if (kind || Date.now() - started >= milliseconds || ctx.isInvalid) resolve(kind);
      else ctx.setTimeout(attempt, 300);
    };
    attempt();
  });
}
