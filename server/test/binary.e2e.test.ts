import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";

/**
 * The shipped artifact: `bun run build` makes one executable with the UI and migrations
 * inside; it must work from an empty folder with nothing else present.
 */
const ROOT = join(import.meta.dir, "../..");
const BINARY = join(ROOT, "dist/llmio-test");
const TOKEN = "binary-token";

let upstream: FakeUpstream;
let folder: string;
const spawned: Bun.Subprocess[] = [];

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, "server/scripts/build.ts", "--outfile", "dist/llmio-test"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  upstream = startFakeUpstream({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), "llmio-binary-"));
}, 120_000);

afterAll(async () => {
  for (const child of spawned) child.kill("SIGKILL");
  await upstream?.stop();
  rmSync(folder, { recursive: true, force: true });
  rmSync(BINARY, { force: true });
});

async function start(): Promise<{ url: string; child: Bun.Subprocess<"ignore", "pipe", "pipe">; startedIn: number }> {
  const started = performance.now();
  const child = Bun.spawn([BINARY, "serve", "--host", "127.0.0.1", "--port", "0"], {
    cwd: folder,
    // Nothing from this checkout: no bun on PATH needed, no .env, no source tree.
    env: { PATH: "/usr/bin:/bin", HOME: folder, TOKEN },
    stdout: "pipe",
    stderr: "pipe",
  });
  spawned.push(child);
  const reader = child.stdout.getReader();
  let output = "";
  while (!/listening on [^\n]*:(\d+)/.test(output)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`binary exited: ${output}${await new Response(child.stderr).text()}`);
    output += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = `http://127.0.0.1:${output.match(/listening on [^\n]*:(\d+)/)![1]}`;
  // Time to the first answered request, counted from exec.
  await fetch(`${url}/health`);
  return { url, child, startedIn: performance.now() - started };
}

describe("the compiled binary, run from an empty folder", () => {
  test("serves the UI and the API, proxies a call, and keeps its data across a restart", async () => {
    const first = await start();
    console.log(`binary: first request answered ${Math.round(first.startedIn)} ms after exec`);
    const page = await fetch(`${first.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<div id="root"');
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);

    const admin = (path: string, body: unknown) =>
      fetch(`${first.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then((response) => response.json());
    const provider = await admin("/api/providers", { name: "fake", type: "openai", baseUrl: `${upstream.url}/v1`, apiKey: "sk-binary-1234" });
    const model = await admin("/api/models", { name: "echo" });
    await admin("/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });
    const answer = await fetch(`${first.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "from the binary" }] }),
    }).then((response) => response.json());
    expect(answer.choices[0].message.content).toBe("Echo: from the binary");
    first.child.kill("SIGTERM");
    expect(await first.child.exited).toBe(0);
    expect(existsSync(join(folder, "db/llmio.db"))).toBe(true);

    const second = await start();
    const logs = await fetch(`${second.url}/api/logs`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((response) => response.json());
    expect(logs.items).toHaveLength(1);
    expect(logs.items[0]).toMatchObject({ model: "echo", status: "success" });
    const rss = Number((await Bun.file(`/proc/${second.child.pid}/status`).text()).match(/VmRSS:\s+(\d+)/)![1]) / 1024;
    console.log(`binary: idle RSS ${rss.toFixed(1)} MB, size ${(Bun.file(BINARY).size / 1e6).toFixed(0)} MB`);
    second.child.kill("SIGTERM");
    await second.child.exited;
  });

  test("the adversarial promises where the binary differs: the embedded UI's CSP, the request limit, redirects, error shapes", async () => {
    const running = await start();
    try {
      // The CSP allows the embedded index.html's one inline script by its hash.
      const page = await fetch(`${running.url}/`);
      const csp = page.headers.get("content-security-policy")!;
      expect(csp).toContain("frame-ancestors 'none'");
      const inline = (await page.text()).match(/<script>([\s\S]*?)<\/script>/)?.[1];
      expect(inline).toBeDefined();
      const hash = new Bun.CryptoHasher("sha256").update(inline!).digest("base64");
      expect(csp).toContain(`'sha256-${hash}'`);
      const authorized = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      const tooLarge = await fetch(`${running.url}/v1/messages`, { method: "POST", headers: { ...authorized, "x-api-key": TOKEN }, body: "x".repeat(33 * 1024 * 1024) });
      expect(tooLarge.status).toBe(413);
      expect((await tooLarge.json()).type).toBe("error");
      const unknown = await fetch(`${running.url}/v1/nothing`, { method: "POST", headers: authorized, body: "{}" });
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error.message).toContain("Invalid URL");
      // A provider that redirects: the key never follows it.
      const admin = (path: string, body: unknown) => fetch(`${running.url}${path}`, { method: "POST", headers: authorized, body: JSON.stringify(body) }).then((response) => response.json());
      const provider = await admin("/api/providers", { name: "redirecting", type: "anthropic", baseUrl: `${upstream.url}/v1`, apiKey: "sk-ant-binary-1234" });
      const model = await admin("/api/models", { name: "moved" });
      await admin("/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model+redirect=307" });
      const moved = await fetch(`${running.url}/v1/messages`, {
        method: "POST",
        headers: { ...authorized, "x-api-key": TOKEN, "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "moved", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(moved.status).toBe(502);
      expect((await moved.json()).error.message).toContain("redirected");
      expect(upstream.redirectTarget().requests).toHaveLength(0);
    } finally {
      running.child.kill("SIGTERM");
      await running.child.exited;
    }
  });

  test("install-service --dry-run prints a unit that systemd-analyze verify accepts", async () => {
    const result = Bun.spawnSync([BINARY, "install-service", "--dry-run", "--port", "7070"], { cwd: folder, stdout: "pipe", stderr: "pipe" });
    expect(result.exitCode).toBe(0);
    const unit = result.stdout.toString();
    expect(unit).toContain("DynamicUser=yes");
    expect(unit).toContain(`ExecStart=${BINARY} serve`);
    if (!existsSync("/usr/bin/systemd-analyze")) {
      console.log("systemd-analyze is not installed: unit verification skipped");
      return;
    }
    const unitPath = join(folder, "llmio.service");
    writeFileSync(unitPath, unit);
    const verify = Bun.spawnSync(["systemd-analyze", "verify", unitPath], { stdout: "pipe", stderr: "pipe" });
    expect(verify.stderr.toString().trim()).toBe("");
    expect(verify.exitCode).toBe(0);
  });
});
