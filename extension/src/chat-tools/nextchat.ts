import type { ChatTool, GatewayTarget } from "./types.ts";

/**
 * NextChat's fast link: `#/?settings={"key","url"}` makes the app ask the user to confirm,
 * then sets `openaiApiKey`, `openaiUrl` and `useCustomConfig`. NextChat appends
 * `v1/chat/completions` itself, so the URL is the gateway root without `/v1`.
 * (ChatGPTNextWeb/NextChat app/components/chat.tsx `useCommand({ settings })`.)
 */
export function nextChatSettingsUrl(pageUrl: string, target: GatewayTarget): string {
  const url = new URL(pageUrl);
  url.hash = `/?settings=${encodeURIComponent(JSON.stringify({ key: target.key, url: target.gatewayUrl }))}`;
  return url.toString();
}

export const nextChat: ChatTool = {
  kind: "nextchat",
  label: "NextChat",
  detect: (document) => /NextChat|ChatGPT Next Web/i.test(document.title),
  async apply(target, page) {
    page.navigate(nextChatSettingsUrl(page.href, target));
    return { ok: true, message: "NextChat will ask you to confirm the new settings." };
  },
};
