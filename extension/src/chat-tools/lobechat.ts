import type { ChatTool, GatewayTarget } from "./types.ts";

/**
 * LobeChat's settings import: `?settings={"keyVaults":{"openai":{"apiKey","baseURL"}}}` on the
 * app's URL; LobeChat expects the OpenAI base URL with `/v1`.
 * (lobehub.com/docs/self-hosting/advanced/settings-url-share)
 */
export function lobeChatSettingsUrl(appUrl: string, target: GatewayTarget): string {
  const url = new URL(appUrl);
  const settings = { keyVaults: { openai: { apiKey: target.key, baseURL: `${target.gatewayUrl}/v1` } } };
  url.search = `?settings=${encodeURIComponent(JSON.stringify(settings))}`;
  url.hash = "";
  return url.toString();
}

export const lobeChat: ChatTool = {
  kind: "lobechat",
  label: "LobeChat",
  detect: (document) => /LobeChat|LobeHub/i.test(document.title),
  async apply(target, page) {
    page.navigate(lobeChatSettingsUrl(page.appUrl, target));
    return { ok: true, message: "LobeChat reloads with the gateway as its OpenAI provider." };
  },
};
