import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/**
 * The real coding CLIs (devDependencies of server/: Claude Code, Codex, Gemini CLI) run
 * non-interactively against a real gateway backed by the fake upstream, each once with a
 * provider of its own protocol and once with a provider of another protocol, so the answer
 * goes through the canonical hub. Claude Code also does a tool round trip through an MCP
 * tool. Each run gets its own HOME / CODEX_HOME / TMPDIR in a temp folder and an environment
 * built from scratch, so nothing from the machine leaks in and nothing is written elsewhere;
 * the flags below keep the CLIs off their vendors' hosts.
 */

const BIN = join(import.meta.dir, "../node_modules/.bin");
const MCP_SERVER = join(import.meta.dir, "fixtures/weather-mcp-server.mjs");
const RUN_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;
const FORECAST_MARKER = "FORECAST-7731";

type ProviderType = "openai" | "openai-responses" | "anthropic" | "gemini";
type ClientProtocol = "anthropic" | "openai-responses" | "gemini";

/** The fake's path for a chat call of each provider type (Gemini's is the route pattern). */
const UPSTREAM_PATH: Record<ProviderType, string> = {
  openai: "/v1/chat/completions",
  "openai-responses": "/v1/responses",
  anthropic: "/v1/messages",
  gemini: "/v1beta/models/:name",
};

let fake: FakeUpstream;
let gateway: TestGateway;

beforeAll(() => {
  fake = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
});

afterAll(async () => {
  await gateway.stop();
  await fake.stop();
});

/** A public model served by one provider of the given type, backed by the fake. */
async function publicModel(name: string, type: ProviderType) {
  const baseUrl = type === "gemini" ? `${fake.url}/v1beta` : `${fake.url}/v1`;
  await configureModel(gateway, name, [{ name: `${name}-provider`, type, baseUrl, providerModel: "fake-model" }]);
  return name;
}

interface Sandbox {
  root: string;
  home: string;
  /** The CLI's working directory. */
  work: string;
  /** Base environment: no variable from the machine except PATH (the CLIs need `node`). */
  env: Record<string, string>;
}

function sandbox(name: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `llmio-cli-${name}-`));
  const [home, work, tmp] = ["home", "work", "tmp"].map((folder) => join(root, folder));
  for (const folder of [home, work, tmp]) mkdirSync(folder);
  const env = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_STATE_HOME: join(home, ".local/state"),
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
  return { root, home, work, env };
}

interface RunResult {
  exitCode: number | null;
  signal: string | number | null;
  stdout: string;
  stderr: string;
}

async function run(cmd: string[], box: Sandbox, env: Record<string, string>): Promise<RunResult> {
  const child = Bun.spawn({
    cmd,
    cwd: box.work,
    env: { ...box.env, ...env },
    stdin: "ignore", // Codex reads a prompt from stdin when it is an open pipe
    stdout: "pipe",
    stderr: "pipe",
    timeout: RUN_TIMEOUT_MS,
  });
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  return { exitCode: child.exitCode, signal: child.signalCode, stdout, stderr };
}

/** The attempt rows the gateway logged for a public model (each test has its own). */
async function rowsFor(model: string) {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  const page = await gateway.admin<{ items: Array<Record<string, any>> }>("GET", `/api/logs?model=${encodeURIComponent(model)}&pageSize=50`);
  return page.items.reverse();
}

/**
 * The text the fake answers to a request it recorded, asked again without streaming: the
 * deterministic echo the CLI should have printed, whatever the CLI put around the prompt.
 */
async function fakeAnswerTo(recorded: RecordedRequest): Promise<string> {
  const body = { ...(recorded.body as Record<string, any>) };
  let path = recorded.path;
  if (path === UPSTREAM_PATH.gemini) path = "/v1beta/models/fake-model:generateContent";
  else {
    body.stream = false;
    delete body.stream_options;
  }
  const response = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk-replay", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json: any = await response.json();
  if (!response.ok) throw new Error(`replaying ${recorded.path} → ${response.status}: ${JSON.stringify(json)}`);
  const texts: string[] = [];
  if (recorded.path === UPSTREAM_PATH.openai) texts.push(json.choices[0].message.content ?? "");
  if (recorded.path === UPSTREAM_PATH.anthropic) for (const block of json.content) if (block.type === "text") texts.push(block.text);
  if (recorded.path === UPSTREAM_PATH["openai-responses"]) {
    for (const item of json.output) if (item.type === "message") for (const part of item.content) if (part.type === "output_text") texts.push(part.text);
  }
  if (recorded.path === UPSTREAM_PATH.gemini) for (const part of json.candidates[0].content.parts) if (part.text && !part.thought) texts.push(part.text);
  return texts.join("");
}

interface Expectation {
  model: string;
  provider: ProviderType;
  clientProtocol: ClientProtocol;
  /** Text the CLI's conversation must carry upstream (the prompt, a tool result). */
  upstreamCarries: string[];
  /** Chat calls the CLI makes for the prompt (2 with a tool round trip). */
  calls: number;
}

/**
 * The CLI's final answer is exactly what the fake answered to the last upstream request, that
 * request reached the provider of the expected type and carried the conversation, and the
 * gateway logged one successful streamed attempt per call, with the CLI's protocol.
 */
async function expectAnswered(result: RunResult, answer: string | undefined, expected: Expectation) {
  const last = fake.lastRequest!;
  const rows = await rowsFor(expected.model);
  const report = () =>
    [
      `exit code ${result.exitCode}${result.signal ? `, signal ${result.signal}` : ""}`,
      `--- stdout ---\n${result.stdout.slice(0, 8000)}`,
      `--- stderr ---\n${result.stderr.slice(0, 8000)}`,
      `--- gateway rows ---\n${JSON.stringify(rows, null, 1)}`,
      `--- last upstream request: ${last?.path} ---\n${JSON.stringify(last?.body).slice(0, 4000)}`,
    ].join("\n");
  try {
    expect(result.exitCode).toBe(0);
    expect(answer).toBeString();
    expect(last.path).toBe(UPSTREAM_PATH[expected.provider]);
    const upstreamBody = JSON.stringify(last.body);
    // One compact line per missing text instead of the whole (large) request body in the diff.
    for (const text of expected.upstreamCarries) expect({ upstreamCarries: text, found: upstreamBody.includes(text) }).toEqual({ upstreamCarries: text, found: true });
    const echo = await fakeAnswerTo(last);
    expect(echo).toStartWith("Echo: ");
    expect(answer!.trim()).toBe(echo);

    expect(rows).toHaveLength(expected.calls);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: "success",
        statusCode: 200,
        clientProtocol: expected.clientProtocol,
        endpoint: "chat",
        providerName: `${expected.model}-provider`,
        stream: true,
      });
      expect(row.promptTokens).toBeGreaterThan(0);
      expect(row.completionTokens).toBeGreaterThan(0);
    }
  } catch (error) {
    console.error(`${expected.model}: the CLI run does not meet expectations\n${report()}`);
    throw error;
  }
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ Claude Code

/**
 * `claude -p` with the gateway as ANTHROPIC_BASE_URL. Every model name Claude Code may use
 * (main, opus/sonnet/haiku aliases, background "small fast" model) is pinned to the public
 * model; CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC keeps it from calling Anthropic's hosts.
 */
async function runClaude(model: string, prompt: string, options: { weatherTool?: boolean } = {}) {
  const box = sandbox("claude");
  const toolArgs = options.weatherTool ? weatherToolArgs(box) : [];
  try {
    const result = await run([join(BIN, "claude"), "-p", prompt, "--output-format", "json", ...toolArgs], box, {
      ANTHROPIC_BASE_URL: gateway.url,
      ANTHROPIC_API_KEY: TEST_TOKEN,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      CLAUDE_CODE_SUBAGENT_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      CLAUDE_CODE_MAX_RETRIES: "1",
      CLAUDE_CODE_TMPDIR: box.env.TMPDIR,
    });
    return { result, output: parseJson(result.stdout) };
  } finally {
    rmSync(box.root, { recursive: true, force: true });
  }
}

/** Only the weather MCP tool: built-in tools off, this MCP server only, its tool pre-approved. */
function weatherToolArgs(box: Sandbox): string[] {
  const config = join(box.root, "mcp.json");
  writeFileSync(config, JSON.stringify({ mcpServers: { weather: { type: "stdio", command: "node", args: [MCP_SERVER, FORECAST_MARKER] } } }));
  return ["--tools", "", "--mcp-config", config, "--strict-mcp-config", "--allowedTools", "mcp__weather__get_weather"];
}

describe("Claude Code", () => {
  for (const provider of ["anthropic", "openai"] as const) {
    test(
      `→ ${provider} provider: -p answer through /v1/messages`,
      async () => {
        const model = await publicModel(`claude-code-via-${provider}`, provider);
        const prompt = `say hi to llmio (claude code, ${provider})`;
        const { result, output } = await runClaude(model, prompt);
        await expectAnswered(result, output?.result, { model, provider, clientProtocol: "anthropic", upstreamCarries: [prompt], calls: 1 });
        expect(output).toMatchObject({ is_error: false, subtype: "success", num_turns: 1 });
      },
      TEST_TIMEOUT_MS,
    );

    test(
      `→ ${provider} provider: tool round trip through an MCP tool`,
      async () => {
        const model = await publicModel(`claude-code-tools-via-${provider}`, provider);
        // "weather" makes the fake call the first tool with {"location":"Paris"}; Claude Code runs
        // it and sends the result back; a conversation ending in a tool result gets the echo.
        const prompt = "what is the weather in Paris?";
        const { result, output } = await runClaude(model, prompt, { weatherTool: true });
        await expectAnswered(result, output?.result, {
          model,
          provider,
          clientProtocol: "anthropic",
          upstreamCarries: [prompt, "mcp__weather__get_weather", `${FORECAST_MARKER}: sunny in Paris`],
          calls: 2,
        });
        expect(output).toMatchObject({ is_error: false, subtype: "success", num_turns: 2 });
      },
      TEST_TIMEOUT_MS,
    );
  }
});

// ------------------------------------------------------------------ Codex

/**
 * `codex exec` with a custom model provider whose base URL is the gateway's `/v1` (Codex
 * appends `/responses`), the key in the env variable named by `env_key`, analytics and
 * plugins off.
 */
async function runCodex(model: string, prompt: string) {
  const box = sandbox("codex");
  const codexHome = join(box.root, "codex-home");
  mkdirSync(codexHome);
  writeFileSync(
    join(codexHome, "config.toml"),
    [
      `model = "${model}"`,
      `model_provider = "llmio"`,
      ``,
      `[model_providers.llmio]`,
      `name = "llmio"`,
      `base_url = "${gateway.url}/v1"`,
      `env_key = "LLMIO_API_KEY"`,
      `wire_api = "responses"`,
      ``,
      `[analytics]`,
      `enabled = false`,
      ``,
      `[features]`,
      `plugins = false`,
      ``,
    ].join("\n"),
  );
  const lastMessage = join(box.root, "last-message.txt");
  try {
    const result = await run(
      [join(BIN, "codex"), "exec", "--skip-git-repo-check", "--sandbox", "read-only", "--json", "-o", lastMessage, prompt],
      box,
      { CODEX_HOME: codexHome, LLMIO_API_KEY: TEST_TOKEN },
    );
    return { result, answer: existsSync(lastMessage) ? readFileSync(lastMessage, "utf8") : undefined };
  } finally {
    rmSync(box.root, { recursive: true, force: true });
  }
}

describe("Codex", () => {
  for (const provider of ["openai-responses", "openai", "anthropic"] as const) {
    test(
      `→ ${provider} provider: exec answer through /v1/responses`,
      async () => {
        const model = await publicModel(`codex-via-${provider}`, provider);
        const prompt = `say hi to llmio (codex, ${provider})`;
        const { result, answer } = await runCodex(model, prompt);
        await expectAnswered(result, answer, { model, provider, clientProtocol: "openai-responses", upstreamCarries: [prompt], calls: 1 });
        expect(result.stdout).toContain('"type":"turn.completed"');
      },
      TEST_TIMEOUT_MS,
    );
  }
});

// ------------------------------------------------------------------ Gemini CLI

/**
 * `gemini -p` with the gateway as GOOGLE_GEMINI_BASE_URL (the SDK appends `/v1beta/models/…`),
 * API-key auth selected and usage statistics off in settings.json, the work folder trusted.
 * `-m` names the public model; the default `auto` model would first call a routing model.
 */
async function runGemini(model: string, prompt: string) {
  const box = sandbox("gemini");
  mkdirSync(join(box.home, ".gemini"));
  writeFileSync(
    join(box.home, ".gemini", "settings.json"),
    JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } }, privacy: { usageStatisticsEnabled: false } }),
  );
  try {
    const result = await run([join(BIN, "gemini"), "-p", prompt, "-m", model, "-o", "json"], box, {
      GEMINI_API_KEY: TEST_TOKEN,
      GOOGLE_GEMINI_BASE_URL: gateway.url,
      GEMINI_CLI_TRUST_WORKSPACE: "true",
    });
    return { result, output: parseJson(result.stdout) };
  } finally {
    rmSync(box.root, { recursive: true, force: true });
  }
}

describe("Gemini CLI", () => {
  for (const provider of ["gemini", "openai"] as const) {
    test(
      `→ ${provider} provider: -p answer through /v1beta streamGenerateContent`,
      async () => {
        const model = await publicModel(`gemini-cli-via-${provider}`, provider);
        const prompt = `say hi to llmio (gemini cli, ${provider})`;
        const { result, output } = await runGemini(model, prompt);
        await expectAnswered(result, output?.response, { model, provider, clientProtocol: "gemini", upstreamCarries: [prompt], calls: 1 });
      },
      TEST_TIMEOUT_MS,
    );
  }
});
