/**
 * The quick start's SDK snippets, exactly as the UI generates them (ui/src/lib/quick-start.ts),
 * run as a user would paste them: each TypeScript snippet is saved as main.ts and run with bun
 * (the official SDKs are devDependencies of server/) against a real gateway backed by the fake
 * upstream, with a client key limited to the model; the streamed answer must come out on stdout
 * and the gateway must have logged a streamed call in the snippet's protocol.
 *
 * Python: every snippet must parse (python3's ast). The SDKs are not installed here by default;
 * with LLMIO_TEST_PYTHON pointing at an interpreter that has openai, anthropic and google-genai
 * (or a python3 that has them), the Python snippets are run the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSnippets, SDK_PROMPT, type Snippet } from "../../ui/src/lib/quick-start.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, type TestGateway } from "./harness.ts";

const SERVER_MODULES = join(import.meta.dir, "../node_modules");
const RUN_TIMEOUT_MS = 30_000;
const MODEL = "echo";
/** What the fake upstream streams back for the snippets' prompt. */
const ANSWER = `Echo: ${SDK_PROMPT}`;

const SDKS = [
  { id: "openai-sdk", protocol: "openai-chat" },
  { id: "anthropic-sdk", protocol: "anthropic" },
  { id: "google-genai-sdk", protocol: "gemini" },
] as const;

let upstream: FakeUpstream;
let gateway: TestGateway;
let keyId = 0;
let snippets: Snippet[];
let folder: string;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  await configureModel(gateway, MODEL, [{ name: "fake-openai", type: "openai", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
  await configureModel(gateway, "other-model", [{ name: "fake-openai-2", type: "openai", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
  // A client key that may use only this model, as a user would hand one out.
  const created = await gateway.admin("POST", "/api/auth-keys", { name: "sdk-snippets", allowedModels: [MODEL] });
  keyId = created.id;
  snippets = buildSnippets({ origin: gateway.url, key: created.key, model: MODEL });
  folder = mkdtempSync(join(tmpdir(), "llmio-sdk-snippets-"));
  // The snippets import the SDKs by name, as from an npm install in the user's project.
  symlinkSync(SERVER_MODULES, join(folder, "node_modules"), "dir");
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** The code block of a snippet in a language. */
function codeOf(id: string, language: "ts" | "python"): string {
  const snippet = snippets.find((item) => item.id === id);
  const block = snippet?.blocks.find((item) => item.kind === "code" && item.language === language);
  if (!block || block.kind !== "code") throw new Error(`no ${language} code in the quick start's ${id} snippet`);
  return block.code;
}

/** Runs a command in the snippets' folder with a clean environment; returns its output. */
async function run(command: string[]) {
  const child = Bun.spawn(command, {
    cwd: folder,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: folder, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill(), RUN_TIMEOUT_MS);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  return { stdout, stderr, exitCode };
}

/** The key's logged calls in a protocol (one row per attempt). */
async function loggedCalls(protocol: string): Promise<{ stream: boolean; model: string; status: string }[]> {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  const page = await gateway.admin("GET", `/api/logs?authKeyId=${keyId}&clientProtocol=${protocol}&pageSize=50`);
  return page.items;
}

/** An interpreter that has the three Python SDKs, if there is one. */
async function pythonWithSdks(): Promise<string | undefined> {
  for (const candidate of [process.env.LLMIO_TEST_PYTHON, "python3"]) {
    if (!candidate) continue;
    const probe = await run([candidate, "-c", "import openai, anthropic, google.genai"]).catch(() => undefined);
    if (probe?.exitCode === 0) return candidate;
  }
  return undefined;
}

describe("quick start SDK snippets, run as pasted", () => {
  for (const sdk of SDKS) {
    test(`${sdk.id}: the TypeScript snippet streams the answer through the gateway`, async () => {
      const file = join(folder, `${sdk.id}.ts`);
      writeFileSync(file, codeOf(sdk.id, "ts"));
      const before = (await loggedCalls(sdk.protocol)).length;
      const result = await run([process.execPath, file]);
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(`${ANSWER}\n`);
      const calls = await loggedCalls(sdk.protocol);
      expect(calls.length).toBe(before + 1);
      expect(calls[0]).toMatchObject({ stream: true, model: MODEL, status: "success" });
    }, RUN_TIMEOUT_MS + 5_000);
  }

  test("every Python snippet parses", async () => {
    for (const sdk of SDKS) {
      const file = join(folder, `${sdk.id}.py`);
      writeFileSync(file, codeOf(sdk.id, "python"));
      const result = await run(["python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", file]);
      expect(result.stderr, sdk.id).toBe("");
      expect(result.exitCode, sdk.id).toBe(0);
    }
  });

  test("the Python snippets stream the answer too, where the Python SDKs are installed", async () => {
    const python = await pythonWithSdks();
    if (!python) {
      console.warn("sdk snippets: no Python with openai, anthropic and google-genai (set LLMIO_TEST_PYTHON): Python snippets only parsed");
      return;
    }
    for (const sdk of SDKS) {
      const file = join(folder, `${sdk.id}.py`);
      writeFileSync(file, codeOf(sdk.id, "python"));
      const before = (await loggedCalls(sdk.protocol)).length;
      const result = await run([python, file]);
      expect(result.exitCode, `${sdk.id}: ${result.stderr}`).toBe(0);
      expect(result.stdout, sdk.id).toBe(`${ANSWER}\n`);
      const calls = await loggedCalls(sdk.protocol);
      expect(calls.length, sdk.id).toBe(before + 1);
      expect(calls[0], sdk.id).toMatchObject({ stream: true, model: MODEL, status: "success" });
    }
  }, 3 * RUN_TIMEOUT_MS);
});
