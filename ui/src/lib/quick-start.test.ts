import { describe, expect, it } from "vitest";
import { buildSnippets, clientKeyOf, extensionLinks, keyAllows, keyHintOf, modelsForKey, normalizeOrigin, SDK_PROMPT, shellQuote, type Snippet } from "./quick-start.ts";

const input = { origin: "http://10.0.0.5:7070/", key: "sk-llmio-abc123", model: "gpt-4o-mini" };
const byId = (snippets: Snippet[], id: Snippet["id"]) => snippets.find((snippet) => snippet.id === id)!;
const text = (snippet: Snippet) =>
  snippet.blocks.map((block) => (block.kind === "code" ? block.code : block.rows.map((row) => `${row.label}=${row.value}`).join("\n"))).join("\n");

describe("buildSnippets", () => {
  const snippets = buildSnippets(input);

  it("covers every client of the README", () => {
    expect(snippets.map((snippet) => snippet.id)).toEqual([
      "claude-code",
      "codex",
      "gemini-cli",
      "cherry-studio",
      "open-webui",
      "lobechat",
      "nextchat",
      "immersive-translate",
      "curl",
      "openai-sdk",
      "anthropic-sdk",
      "google-genai-sdk",
    ]);
  });

  it("fills every snippet with the origin and the key", () => {
    for (const snippet of snippets) {
      expect(text(snippet), snippet.id).toContain("10.0.0.5:7070");
      expect(text(snippet), snippet.id).toContain("sk-llmio-abc123");
    }
  });

  it("Claude Code: origin without /v1, every model variable, no nonessential traffic", () => {
    const code = text(byId(snippets, "claude-code"));
    expect(code).toContain("export ANTHROPIC_BASE_URL=http://10.0.0.5:7070\n");
    expect(code).toContain("export ANTHROPIC_AUTH_TOKEN=sk-llmio-abc123");
    for (const name of ["ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL", "CLAUDE_CODE_SUBAGENT_MODEL"]) {
      expect(code).toContain(`${name}=gpt-4o-mini`);
    }
    expect(code).toContain("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1");
    const settings = byId(snippets, "claude-code").blocks[1];
    expect(settings.kind === "code" && JSON.parse(settings.code).env.ANTHROPIC_BASE_URL).toBe("http://10.0.0.5:7070");
  });

  it("Codex: responses wire API on /v1 with the key in LLMIO_API_KEY", () => {
    const code = text(byId(snippets, "codex"));
    expect(code).toContain('model = "gpt-4o-mini"');
    expect(code).toContain('model_provider = "llmio"');
    expect(code).toContain('base_url = "http://10.0.0.5:7070/v1"');
    expect(code).toContain('env_key = "LLMIO_API_KEY"');
    expect(code).toContain('wire_api = "responses"');
    expect(code).toContain("export LLMIO_API_KEY=sk-llmio-abc123");
  });

  it("Gemini CLI: base URL without /v1beta, api-key auth, -m model", () => {
    const code = text(byId(snippets, "gemini-cli"));
    expect(code).toContain("export GOOGLE_GEMINI_BASE_URL=http://10.0.0.5:7070\n");
    expect(code).toContain("export GEMINI_API_KEY=sk-llmio-abc123");
    expect(code).toContain("gemini -m gpt-4o-mini");
    expect(code).toContain('"selectedType": "gemini-api-key"');
  });

  it("apps get the URL form each one expects", () => {
    expect(text(byId(snippets, "cherry-studio"))).toContain("quick.field.apiAddress=http://10.0.0.5:7070\n");
    expect(text(byId(snippets, "open-webui"))).toContain("quick.field.apiUrl=http://10.0.0.5:7070/v1");
    expect(text(byId(snippets, "lobechat"))).toContain("OPENAI_PROXY_URL=http://10.0.0.5:7070/v1");
    expect(text(byId(snippets, "nextchat"))).toContain("quick.field.endpoint=http://10.0.0.5:7070\n");
    expect(text(byId(snippets, "nextchat"))).toContain("+gpt-4o-mini@OpenAI");
    expect(text(byId(snippets, "immersive-translate"))).toContain("http://10.0.0.5:7070/v1/chat/completions");
  });

  it("Open WebUI suggests host.docker.internal for a local gateway", () => {
    const local = buildSnippets({ ...input, origin: "http://localhost:7070" });
    expect(text(byId(local, "open-webui"))).toContain("quick.field.fromDocker=http://host.docker.internal:7070/v1");
  });

  it("curl: a valid JSON body and quoted header", () => {
    const code = text(byId(snippets, "curl"));
    expect(code).toContain("curl http://10.0.0.5:7070/v1/chat/completions");
    expect(code).toContain("-H 'Authorization: Bearer sk-llmio-abc123'");
    const body = /-d '(.*)'$/m.exec(code)![1];
    expect(JSON.parse(body)).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  });

  it("SDKs: a streamed call in TypeScript and Python, each with the base URL its SDK expects", () => {
    const code = (id: Snippet["id"], language: string) => {
      const block = byId(snippets, id).blocks.find((item) => item.kind === "code" && item.language === language);
      return block?.kind === "code" ? block.code : "";
    };
    expect(code("openai-sdk", "ts")).toContain('new OpenAI({ baseURL: "http://10.0.0.5:7070/v1", apiKey: "sk-llmio-abc123" })');
    expect(code("openai-sdk", "ts")).toContain("stream: true");
    expect(code("openai-sdk", "python")).toContain('OpenAI(base_url="http://10.0.0.5:7070/v1", api_key="sk-llmio-abc123")');
    expect(code("openai-sdk", "python")).toContain("stream=True");
    expect(code("anthropic-sdk", "ts")).toContain('new Anthropic({ baseURL: "http://10.0.0.5:7070", apiKey: "sk-llmio-abc123" })');
    expect(code("anthropic-sdk", "ts")).toContain("client.messages.stream({");
    expect(code("anthropic-sdk", "python")).toContain('Anthropic(base_url="http://10.0.0.5:7070", api_key="sk-llmio-abc123")');
    expect(code("anthropic-sdk", "python")).toContain("stream.text_stream");
    expect(code("google-genai-sdk", "ts")).toContain('new GoogleGenAI({ apiKey: "sk-llmio-abc123", httpOptions: { baseUrl: "http://10.0.0.5:7070" } })');
    expect(code("google-genai-sdk", "ts")).toContain("generateContentStream");
    expect(code("google-genai-sdk", "python")).toContain('genai.Client(api_key="sk-llmio-abc123", http_options=types.HttpOptions(base_url="http://10.0.0.5:7070"))');
    expect(code("google-genai-sdk", "python")).toContain("generate_content_stream(model=\"gpt-4o-mini\"");
    for (const id of ["openai-sdk", "anthropic-sdk", "google-genai-sdk"] as const) {
      expect(code(id, "ts"), id).toContain(JSON.stringify(SDK_PROMPT));
      expect(code(id, "python"), id).toContain(JSON.stringify(SDK_PROMPT));
    }
  });

  it("SDKs: values with quotes stay valid string literals", () => {
    const odd = buildSnippets({ origin: "http://h:7070", key: 'k"\\ey', model: "m'1" });
    const block = byId(odd, "openai-sdk").blocks[0];
    expect(block.kind === "code" && block.code).toContain(`apiKey: ${JSON.stringify('k"\\ey')}`);
  });

  it("uses KEY and MODEL placeholders when nothing is chosen", () => {
    const placeholder = buildSnippets({ origin: "http://h:7070", key: "", model: "" });
    expect(text(byId(placeholder, "curl"))).toContain("Bearer KEY");
    expect(text(byId(placeholder, "codex"))).toContain('model = "MODEL"');
  });
});

describe("the models a key may use", () => {
  const models = [{ name: "gpt-4o" }, { name: "gpt-4o-mini" }, { name: "claude-sonnet" }, { name: "o3" }];

  it("exact names and * / ? globs, as the gateway matches them; null is every model", () => {
    expect(modelsForKey(models, null).map((model) => model.name)).toEqual(["gpt-4o", "gpt-4o-mini", "claude-sonnet", "o3"]);
    expect(modelsForKey(models, ["gpt-4o", "claude-*"]).map((model) => model.name)).toEqual(["gpt-4o", "claude-sonnet"]);
    expect(modelsForKey(models, ["o?"]).map((model) => model.name)).toEqual(["o3"]);
    expect(modelsForKey(models, []).map((model) => model.name)).toEqual([]);
    expect(keyAllows(["gpt.4o"], "gpt-4o")).toBe(false);
  });

  it("finds a pasted key among the client keys by the gateway's hint", () => {
    const keys = [
      { id: 1, keyHint: keyHintOf("sk-llmio-aaaa1111") },
      { id: 2, keyHint: keyHintOf("sk-llmio-bbbb2222") },
    ];
    expect(keyHintOf("sk-llmio-bbbb2222")).toBe("sk-…2222");
    expect(clientKeyOf(keys, " sk-llmio-bbbb2222 ")?.id).toBe(2);
    expect(clientKeyOf(keys, "sk-llmio-cccc3333")).toBeUndefined();
    expect(clientKeyOf([...keys, { id: 3, keyHint: "sk-…2222" }], "sk-llmio-bbbb2222")).toBeUndefined();
  });
});

describe("helpers", () => {
  it("normalizes origins", () => {
    expect(normalizeOrigin(" http://host:7070/ ")).toBe("http://host:7070");
    expect(normalizeOrigin("http://host:7070/v1/")).toBe("http://host:7070");
  });
  it("quotes shell values only when needed", () => {
    expect(shellQuote("sk-abc_123")).toBe("sk-abc_123");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe("extension card links", () => {
  it("no repository set: no links (the card names the README section and the release folder)", () => {
    expect(extensionLinks()).toBeUndefined();
    expect(extensionLinks("  ")).toBeUndefined();
  });

  it("a GitHub repository: its README's section and its newest release", () => {
    expect(extensionLinks("https://github.com/owner/llmio.git/")).toEqual({
      guide: "https://github.com/owner/llmio#browser-extension",
      downloads: "https://github.com/owner/llmio/releases/latest",
    });
  });
});
