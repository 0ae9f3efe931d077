/** The web chat tools the extension can point at the gateway. `form` is any other app's settings form. */
export type ChatToolKind = "nextchat" | "lobechat" | "open-webui" | "form";

/** What a tool is configured with: the gateway's root URL and a client key (never the admin token). */
export interface GatewayTarget {
  gatewayUrl: string;
  key: string;
}

/** The page the tool runs in, as an injector needs it (a seam for tests). */
export interface ToolPage {
  /** The page's URL. */
  href: string;
  /** Where the app lives: the user-added URL prefix, or the origin's root. */
  appUrl: string;
  document: Document;
  localStorage: Pick<Storage, "getItem">;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Same-document (hash) or full navigation. */
  navigate(url: string): void;
}

export interface ApplyResult {
  ok: boolean;
  /** Shown in the prompt; never contains the key. */
  message: string;
}

export interface ChatTool {
  kind: ChatToolKind;
  label: string;
  /** Recognises the tool on a page whose kind the user left on "auto". */
  detect(document: Document): boolean;
  /** Configures the tool; only ever called from the user's click on the prompt. */
  apply(target: GatewayTarget, page: ToolPage): Promise<ApplyResult>;
}
