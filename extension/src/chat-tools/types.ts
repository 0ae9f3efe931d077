/** The web chat tools the extension can point at the gateway. `form` is any other app's settings form. */
export type ChatToolKind = "nextchat" | "lobechat" | "open-webui" | "form";

/** What a tool is configured with: the gateway's root URL, a client key (never the admin token) and its models. */
export interface GatewayTarget {
  gatewayUrl: string;
  key: string;
  /** `GET /v1/models` for that key, in the gateway's order; empty when the gateway could not list them. */
  models: string[];
}

/** The page the tool runs in, as an injector needs it (a seam for tests). */
export interface ToolPage {
  /** The page's URL. */
  href: string;
  /** Where the app lives: the user-added URL prefix, or the origin's root. */
  appUrl: string;
  document: Document;
  localStorage: Pick<Storage, "getItem">;
  /** The page origin's IndexedDB (content scripts share it with the page). */
  indexedDB: IDBFactory;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Loads the page again (no new history entry), so the app reads the settings we wrote. */
  reload(): void;
}

/** Where a tool currently sends its requests, as read from the app's own settings. */
export interface ToolConnection {
  /** The OpenAI base URL the app uses, as stored (with or without `/v1`). */
  baseUrl: string;
  /** The model a new chat would use, when the app says. */
  model?: string;
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
  /**
   * The app's current connection, read without changing anything; undefined when unknown or
   * unset. Apps with several connections return the one to `gatewayUrl` when there is one.
   */
  readConnection?(page: ToolPage, gatewayUrl: string): Promise<ToolConnection | undefined>;
  /** Configures the tool; only ever called from the user's click on the prompt. */
  apply(target: GatewayTarget, page: ToolPage): Promise<ApplyResult>;
}
