import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";

const MAIN = join(import.meta.dir, "../src/main.ts");

interface RunningGateway {
  url: string;
  process: Bun.Subprocess<"ignore", "pipe", "pipe">;
  output: string;
}

/** Starts `llmio serve` as a real process on a free port and waits for its banner. */
async function startProcess(args: string[], env: Record<string, string> = {}): Promise<RunningGateway> {
  const child = Bun.spawn([process.execPath, MAIN, "serve", "--host", "127.0.0.1", "--port", "0", ...args], {
    env: { ...process.env, TOKEN: "", ...env },
    stdout: "pipe",
    // Piped, not inherited: a child left running must not hold the test runner's output open.
    stderr: "pipe",
  });
  spawned.push(child);
  const decoder = new TextDecoder();
  let output = "";
  const reader = child.stdout.getReader();
  while (!/listening on [^\n]*:(\d+)/.test(output) || !output.includes("database")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gateway exited early: ${output}`);
    output += decoder.decode(value);
  }
  reader.releaseLock();
  const port = output.match(/listening on [^\n]*:(\d+)/)![1];
  return { url: `http://127.0.0.1:${port}`, process: child, output };
}

let upstream: FakeUpstream;
let folder: string;
/** Every gateway process started, killed at the end even when a test failed half-way. */
const spawned: Bun.Subprocess[] = [];

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), "llmio-process-"));
});

afterAll(async () => {
  for (const child of spawned) child.kill("SIGKILL");
  await upstream.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("llmio serve as a process", () => {
  test("generates and keeps a token, never serves the admin API open, and keeps every log across a restart", async () => {
    const dbPath = join(folder, "data", "llmio.db");
    const first = await startProcess(["--db-path", dbPath]);
    const token = readFileSync(join(folder, "data", "token"), "utf8").trim();
    expect(token.length).toBeGreaterThan(20);
    expect(first.output).toContain(`admin token   generated now, kept in ${join(folder, "data", "token")}`);
    expect(first.output).toContain(`\n                ${token}\n`);
    expect((await fetch(`${first.url}/api/providers`)).status).toBe(401);

    const admin = (path: string, body?: unknown) =>
      fetch(`${first.url}${path}`, {
        method: body ? "POST" : "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      }).then((response) => response.json());
    const provider = await admin("/api/providers", { name: "fake", type: "openai", baseUrl: `${upstream.url}/v1`, apiKey: "sk-x-1234" });
    const model = await admin("/api/models", { name: "echo" });
    await admin("/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });

    const requests = 25;
    const answers = await Promise.all(
      Array.from({ length: requests }, (_, index) =>
        fetch(`${first.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: `n${index}` }] }),
        }).then((response) => response.json()),
      ),
    );
    expect(answers.every((answer, index) => answer.choices[0].message.content === `Echo: n${index}`)).toBe(true);
    // Stop at once: rows still queued in the log writer must be flushed on SIGTERM.
    first.process.kill("SIGTERM");
    expect(await first.process.exited).toBe(0);

    const second = await startProcess(["--db-path", dbPath]);
    expect(second.output).toContain(`admin token   generated at an earlier start, kept in ${join(folder, "data", "token")}`);
    expect(second.output).toContain(`\n                ${token}\n`);
    const logs = await fetch(`${second.url}/api/logs?pageSize=200`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.json());
    expect(logs.total).toBe(requests);
    expect(logs.items.every((row: { status: string }) => row.status === "success")).toBe(true);
    second.process.kill("SIGTERM");
    await second.process.exited;
  });

  test("graceful shutdown: a stream in flight finishes and is logged; new connections are refused", async () => {
    const dbPath = join(folder, "graceful", "llmio.db");
    const first = await startProcess(["--db-path", dbPath], { TOKEN: "graceful-token", LLMIO_SHUTDOWN_GRACE_MS: "10000" });
    const headers = { authorization: "Bearer graceful-token", "content-type": "application/json" };
    const post = (path: string, body: unknown) => fetch(`${first.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) }).then((response) => response.json());
    const provider = await post("/api/providers", { name: "slow", type: "openai", baseUrl: `${upstream.url}/v1`, apiKey: "sk-x-1234" });
    const model = await post("/api/models", { name: "slow" });
    await post("/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model+token-delay=60+words=12" });

    const response = await fetch(`${first.url}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "slow", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const reader = response.body!.getReader();
    let text = new TextDecoder().decode((await reader.read()).value);
    first.process.kill("SIGTERM");
    await Bun.sleep(100);
    const refused = await fetch(`${first.url}/health`).then(() => "answered", () => "refused");
    expect(refused).toBe("refused");
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
    expect(text).toContain("data: [DONE]");
    expect(await first.process.exited).toBe(0);

    const second = await startProcess(["--db-path", dbPath], { TOKEN: "graceful-token" });
    const logs = await fetch(`${second.url}/api/logs`, { headers }).then((result) => result.json());
    expect(logs.items).toHaveLength(1);
    expect(logs.items[0]).toMatchObject({ status: "success", stream: true, completionTokens: 12 });
    second.process.kill("SIGTERM");
    await second.process.exited;
  });

  test("TOKEN from the environment is used and nothing is generated", async () => {
    const dataDir = join(folder, "env-token");
    const running = await startProcess(["--data-dir", dataDir], { TOKEN: "from-env-token" });
    expect(running.output).toContain("admin token   from the environment variable TOKEN (not shown)");
    expect(running.output).not.toContain("from-env-token");
    const ok = await fetch(`${running.url}/api/models`, { headers: { authorization: "Bearer from-env-token" } });
    expect(ok.status).toBe(200);
    expect(existsSync(join(dataDir, "token"))).toBe(false);
    running.process.kill("SIGTERM");
    await running.process.exited;
  });
});
