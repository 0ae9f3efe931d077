import { storage } from "wxt/utils/storage";
import type { ChatToolKind } from "./chat-tools/types.ts";

/** The gateway a fresh install talks to (`llmio serve` listens here by default). */
export const DEFAULT_GATEWAY_URL = "http://127.0.0.1:7070";

/** A page the user added where the "use llmio here" prompt may appear. */
export interface ChatToolHost {
  /** URL prefix, e.g. `https://chat.example.com/` or `http://127.0.0.1:3000/nextchat/`. */
  url: string;
  /** Which tool runs there; `auto` recognises it from the page. */
  tool: ChatToolKind | "auto";
}

// All settings live in storage.local: the token must not travel to other devices through sync.
export const gatewayUrlItem = storage.defineItem<string>("local:gatewayUrl", { fallback: DEFAULT_GATEWAY_URL });
/** The admin TOKEN or a client key. */
export const credentialItem = storage.defineItem<string>("local:credential", { fallback: "" });
/**
 * The client key handed to chat tools and shown for copy-paste; never the admin token.
 * Created through the admin API on first use when only the admin token is known.
 */
export const toolKeyItem = storage.defineItem<string>("local:toolKey", { fallback: "" });
export const chatToolHostsItem = storage.defineItem<ChatToolHost[]>("local:chatToolHosts", { fallback: [] });

export interface Settings {
  gatewayUrl: string;
  credential: string;
  toolKey: string;
  chatToolHosts: ChatToolHost[];
}

export async function readSettings(): Promise<Settings> {
  const [gatewayUrl, credential, toolKey, chatToolHosts] = await Promise.all([
    gatewayUrlItem.getValue(),
    credentialItem.getValue(),
    toolKeyItem.getValue(),
    chatToolHostsItem.getValue(),
  ]);
  return { gatewayUrl: normalizeGatewayUrl(gatewayUrl) ?? DEFAULT_GATEWAY_URL, credential: credential.trim(), toolKey: toolKey.trim(), chatToolHosts };
}

/**
 * The gateway's root URL without a trailing slash or a pasted `/v1` (or `/api`) suffix;
 * undefined when the text is not an http(s) URL.
 */
export function normalizeGatewayUrl(text: string): string | undefined {
  const url = httpUrl(text);
  if (!url) return undefined;
  const path = url.pathname.replace(/\/+$/, "").replace(/\/(v1|api)$/, "");
  return `${url.origin}${path}`;
}

/** A chat-tool host as stored: `origin/path/` (always ending in a slash, no query or hash). */
export function normalizeHostUrl(text: string): string | undefined {
  const url = httpUrl(text);
  if (!url) return undefined;
  const path = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  return `${url.origin}${path}`;
}

/** The text as an http(s) URL, or undefined. */
function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}
