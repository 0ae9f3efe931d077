import type { MessageKey } from "./i18n/index.ts";

/** What the snippets are filled with. */
export interface QuickStartInput {
  /** The gateway's origin as clients reach it, without a trailing slash: `http://host:7070`. */
  origin: string;
  /** The token or a client key. */
  key: string;
  /** A public model name of this gateway. */
  model: string;
}

export type SnippetBlock =
  | { kind: "code"; language: "sh" | "toml" | "json" | "ts" | "text"; title?: string; code: string }
  | { kind: "fields"; rows: { label: MessageKey; value: string }[] };

export interface Snippet {
  id: "claude-code" | "codex" | "gemini-cli" | "cherry-studio" | "open-webui" | "lobechat" | "nextchat" | "immersive-translate" | "curl" | "sdk";
  name: string;
  /** Translated explanation shown above the blocks. */
  note: MessageKey;
  blocks: SnippetBlock[];
}

/** Strips trailing slashes (and a pasted `/v1`), so every snippet can append its own path. */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** A value for a POSIX shell: bare when safe, single-quoted otherwise. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Copy-paste configuration for each client, following README.md "Use with…". */
export function buildSnippets(input: QuickStartInput): Snippet[] {
  const origin = normalizeOrigin(input.origin);
  const key = input.key || "KEY";
  const model = input.model || "MODEL";
  const v1 = `${origin}/v1`;
  const sh = shellQuote;

  const claudeEnv: Record<string, string> = {
    ANTHROPIC_BASE_URL: origin,
    ANTHROPIC_AUTH_TOKEN: key,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_SUBAGENT_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };

  return [
    {
      id: "claude-code",
      name: "Claude Code",
      note: "quick.note.claudeCode",
      blocks: [
        {
          kind: "code",
          language: "sh",
          title: "shell",
          code: [...Object.entries(claudeEnv).map(([name, value]) => `export ${name}=${sh(value)}`), "claude"].join("\n"),
        },
        { kind: "code", language: "json", title: "~/.claude/settings.json", code: JSON.stringify({ env: claudeEnv }, null, 2) },
      ],
    },
    {
      id: "codex",
      name: "Codex",
      note: "quick.note.codex",
      blocks: [
        {
          kind: "code",
          language: "toml",
          title: "~/.codex/config.toml",
          code: [
            `model = ${JSON.stringify(model)}`,
            `model_provider = "llmio"`,
            "",
            "[model_providers.llmio]",
            `name = "llmio"`,
            `base_url = ${JSON.stringify(v1)}`,
            `env_key = "LLMIO_API_KEY"`,
            `wire_api = "responses"`,
          ].join("\n"),
        },
        { kind: "code", language: "sh", title: "shell", code: `export LLMIO_API_KEY=${sh(key)}\ncodex` },
      ],
    },
    {
      id: "gemini-cli",
      name: "Gemini CLI",
      note: "quick.note.geminiCli",
      blocks: [
        {
          kind: "code",
          language: "sh",
          title: "shell",
          code: [`export GEMINI_API_KEY=${sh(key)}`, `export GOOGLE_GEMINI_BASE_URL=${sh(origin)}`, `gemini -m ${sh(model)}`].join("\n"),
        },
        {
          kind: "code",
          language: "json",
          title: "~/.gemini/settings.json",
          code: JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }, null, 2),
        },
      ],
    },
    {
      id: "cherry-studio",
      name: "Cherry Studio",
      note: "quick.note.cherryStudio",
      blocks: [
        {
          kind: "fields",
          rows: [
            { label: "quick.field.providerType", value: "OpenAI" },
            { label: "quick.field.apiAddress", value: origin },
            { label: "quick.field.apiKey", value: key },
            { label: "quick.field.model", value: model },
          ],
        },
      ],
    },
    {
      id: "open-webui",
      name: "Open WebUI",
      note: "quick.note.openWebui",
      blocks: [
        {
          kind: "fields",
          rows: [
            { label: "quick.field.apiUrl", value: v1 },
            { label: "quick.field.apiKey", value: key },
            { label: "quick.field.fromDocker", value: v1.replace(/\/\/(localhost|127\.0\.0\.1)(?=[:/])/, "//host.docker.internal") },
          ],
        },
      ],
    },
    {
      id: "lobechat",
      name: "LobeChat",
      note: "quick.note.lobechat",
      blocks: [
        {
          kind: "fields",
          rows: [
            { label: "quick.field.proxyUrl", value: v1 },
            { label: "quick.field.apiKey", value: key },
            { label: "quick.field.model", value: model },
          ],
        },
        { kind: "code", language: "sh", title: "server env", code: `OPENAI_PROXY_URL=${sh(v1)}\nOPENAI_API_KEY=${sh(key)}` },
      ],
    },
    {
      id: "nextchat",
      name: "NextChat",
      note: "quick.note.nextchat",
      blocks: [
        {
          kind: "fields",
          rows: [
            { label: "quick.field.endpoint", value: origin },
            { label: "quick.field.apiKey", value: key },
            { label: "quick.field.customModels", value: `+${model}@OpenAI` },
          ],
        },
      ],
    },
    {
      id: "immersive-translate",
      name: "Immersive Translate",
      note: "quick.note.immersiveTranslate",
      blocks: [
        {
          kind: "fields",
          rows: [
            { label: "quick.field.fullUrl", value: `${v1}/chat/completions` },
            { label: "quick.field.apiKey", value: key },
            { label: "quick.field.model", value: model },
          ],
        },
      ],
    },
    {
      id: "curl",
      name: "curl",
      note: "quick.note.curl",
      blocks: [
        {
          kind: "code",
          language: "sh",
          title: "shell",
          code: [
            `curl ${sh(`${v1}/chat/completions`)} \\`,
            `  -H ${sh(`Authorization: Bearer ${key}`)} \\`,
            `  -H 'content-type: application/json' \\`,
            `  -d ${sh(JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }))}`,
          ].join("\n"),
        },
      ],
    },
    {
      id: "sdk",
      name: "SDKs",
      note: "quick.note.sdk",
      blocks: [
        {
          kind: "code",
          language: "ts",
          title: "TypeScript",
          code: [
            `const openai = new OpenAI({ baseURL: ${JSON.stringify(v1)}, apiKey: ${JSON.stringify(key)} });`,
            `const anthropic = new Anthropic({ baseURL: ${JSON.stringify(origin)}, apiKey: ${JSON.stringify(key)} });`,
            `const gemini = new GoogleGenAI({ apiKey: ${JSON.stringify(key)}, httpOptions: { baseUrl: ${JSON.stringify(origin)} } });`,
          ].join("\n"),
        },
      ],
    },
  ];
}
