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
  | { kind: "code"; language: "sh" | "toml" | "json" | "ts" | "python" | "text"; title?: string; code: string }
  | { kind: "fields"; rows: { label: MessageKey; value: string }[] };

export interface Snippet {
  id:
    | "claude-code"
    | "codex"
    | "gemini-cli"
    | "cherry-studio"
    | "open-webui"
    | "lobechat"
    | "nextchat"
    | "immersive-translate"
    | "curl"
    | "openai-sdk"
    | "anthropic-sdk"
    | "google-genai-sdk";
  name: string;
  /** Translated explanation shown above the blocks. */
  note: MessageKey;
  blocks: SnippetBlock[];
}

/**
 * Where llmio's sources are published. None is set anywhere in this project (no git remote, no
 * `repository` in a package.json), so it is empty and the Quick start's extension card names the
 * README section and the release folder instead of linking; set it to link them.
 */
export const REPOSITORY_URL = "";

/** The extension card's links for a repository on GitHub: the README section and the newest release's files. */
export function extensionLinks(repository: string = REPOSITORY_URL): { guide: string; downloads: string } | undefined {
  const base = repository.trim().replace(/\/+$/, "").replace(/\.git$/, "");
  if (!base) return undefined;
  return { guide: `${base}#browser-extension`, downloads: `${base}/releases/latest` };
}

/**
 * Whether a client key may use a model, as the gateway decides it (server/src/auth/client-keys.ts):
 * `allowedModels` holds exact names or globs (`*` any run of characters, `?` one); null allows every model.
 */
export function keyAllows(allowedModels: string[] | null, name: string): boolean {
  if (allowedModels === null) return true;
  return allowedModels.some((pattern) => (/[*?]/.test(pattern) ? globToRegExp(pattern).test(name) : pattern === name));
}

/** The models a key may use, in their order; every model for the admin token (null). */
export function modelsForKey<Item extends { name: string }>(models: Item[], allowedModels: string[] | null): Item[] {
  return models.filter((model) => keyAllows(allowedModels, model.name));
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** The hint the gateway keeps of a key (its first 3 and last 4 characters), as the keys list shows it. */
export function keyHintOf(key: string): string {
  if (key.length <= 2) return "…";
  if (key.length <= 8) return `…${key.slice(-2)}`;
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

/** Which of the gateway's client keys a pasted key is, by its hint; undefined when none or several match. */
export function clientKeyOf<Key extends { keyHint: string }>(keys: Key[], presented: string): Key | undefined {
  const trimmed = presented.trim();
  if (!trimmed) return undefined;
  const matches = keys.filter((key) => key.keyHint === keyHintOf(trimmed));
  return matches.length === 1 ? matches[0] : undefined;
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
    ...sdkSnippets({ origin, v1, key, model }),
  ];
}

/** What the SDK snippets ask the model: the fake upstream echoes it, so a test can see it come back. */
export const SDK_PROMPT = "Say hello in one short sentence.";

/**
 * A real, streamed call with each official SDK, in TypeScript (ESM, top-level await: `bun
 * main.ts`, `npx tsx main.ts`) and Python. Values are written as JSON strings, which are also
 * valid Python string literals.
 */
function sdkSnippets(input: { origin: string; v1: string; key: string; model: string }): Snippet[] {
  const [origin, v1, key, model, prompt] = [input.origin, input.v1, input.key, input.model, SDK_PROMPT].map((value) => JSON.stringify(value));
  return [
    {
      id: "openai-sdk",
      name: "OpenAI SDK",
      note: "quick.note.openaiSdk",
      blocks: [
        {
          kind: "code",
          language: "ts",
          title: "TypeScript · npm install openai",
          code: [
            `import OpenAI from "openai";`,
            ``,
            `const client = new OpenAI({ baseURL: ${v1}, apiKey: ${key} });`,
            ``,
            `const stream = await client.chat.completions.create({`,
            `  model: ${model},`,
            `  messages: [{ role: "user", content: ${prompt} }],`,
            `  stream: true,`,
            `});`,
            `for await (const chunk of stream) {`,
            `  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`,
            `}`,
            `process.stdout.write("\\n");`,
          ].join("\n"),
        },
        {
          kind: "code",
          language: "python",
          title: "Python · pip install openai",
          code: [
            `from openai import OpenAI`,
            ``,
            `client = OpenAI(base_url=${v1}, api_key=${key})`,
            ``,
            `stream = client.chat.completions.create(`,
            `    model=${model},`,
            `    messages=[{"role": "user", "content": ${prompt}}],`,
            `    stream=True,`,
            `)`,
            `for chunk in stream:`,
            `    if chunk.choices and chunk.choices[0].delta.content:`,
            `        print(chunk.choices[0].delta.content, end="", flush=True)`,
            `print()`,
          ].join("\n"),
        },
      ],
    },
    {
      id: "anthropic-sdk",
      name: "Anthropic SDK",
      note: "quick.note.anthropicSdk",
      blocks: [
        {
          kind: "code",
          language: "ts",
          title: "TypeScript · npm install @anthropic-ai/sdk",
          code: [
            `import Anthropic from "@anthropic-ai/sdk";`,
            ``,
            `const client = new Anthropic({ baseURL: ${origin}, apiKey: ${key} });`,
            ``,
            `const stream = client.messages.stream({`,
            `  model: ${model},`,
            `  max_tokens: 1024,`,
            `  messages: [{ role: "user", content: ${prompt} }],`,
            `});`,
            `stream.on("text", (text) => process.stdout.write(text));`,
            `await stream.finalMessage();`,
            `process.stdout.write("\\n");`,
          ].join("\n"),
        },
        {
          kind: "code",
          language: "python",
          title: "Python · pip install anthropic",
          code: [
            `from anthropic import Anthropic`,
            ``,
            `client = Anthropic(base_url=${origin}, api_key=${key})`,
            ``,
            `with client.messages.stream(`,
            `    model=${model},`,
            `    max_tokens=1024,`,
            `    messages=[{"role": "user", "content": ${prompt}}],`,
            `) as stream:`,
            `    for text in stream.text_stream:`,
            `        print(text, end="", flush=True)`,
            `print()`,
          ].join("\n"),
        },
      ],
    },
    {
      id: "google-genai-sdk",
      name: "Google Gen AI SDK",
      note: "quick.note.googleGenaiSdk",
      blocks: [
        {
          kind: "code",
          language: "ts",
          title: "TypeScript · npm install @google/genai",
          code: [
            `import { GoogleGenAI } from "@google/genai";`,
            ``,
            `const client = new GoogleGenAI({ apiKey: ${key}, httpOptions: { baseUrl: ${origin} } });`,
            ``,
            `const stream = await client.models.generateContentStream({`,
            `  model: ${model},`,
            `  contents: ${prompt},`,
            `});`,
            `for await (const chunk of stream) {`,
            `  process.stdout.write(chunk.text ?? "");`,
            `}`,
            `process.stdout.write("\\n");`,
          ].join("\n"),
        },
        {
          kind: "code",
          language: "python",
          title: "Python · pip install google-genai",
          code: [
            `from google import genai`,
            `from google.genai import types`,
            ``,
            `client = genai.Client(api_key=${key}, http_options=types.HttpOptions(base_url=${origin}))`,
            ``,
            `for chunk in client.models.generate_content_stream(model=${model}, contents=${prompt}):`,
            `    print(chunk.text or "", end="", flush=True)`,
            `print()`,
          ].join("\n"),
        },
      ],
    },
  ];
}
