import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { adminCall } from "./harness.ts";

/**
 * The command line as a new user meets it, from the sources (`bun server/src/main.ts`) and from
 * the compiled binary: mistakes are one line with a hint (exit 2 for the command line, 1 for
 * the machine), a busy port is refused instead of shared, the banner says where the admin token
 * comes from without printing one the user gave, and a normal start warns about nothing.
 */
const ROOT = join(import.meta.dir, "../..");
const MAIN = join(import.meta.dir, "../src/main.ts");
const folder = mkdtempSync(join(tmpdir(), "llmio-cli-errors-"));
const BINARY = join(folder, "llmio");
const TOKEN = "cli-errors-token-0123456789";

const runners = [
  { name: "source", command: [process.execPath, MAIN] },
  { name: "binary", command: [BINARY] },
];
type Runner = (typeof runners)[number];

let upstream: FakeUpstream;
/** Every process started, killed at the end even when a test failed half-way. */
const spawned: Bun.Subprocess[] = [];

beforeAll(() => {
  // The UI build is shared with other work in this tree: build it (or read it) under its lock.
  const skipUi = existsSync(join(ROOT, "ui/dist/index.html")) ? ["--skip-ui"] : [];
  const build = Bun.spawnSync(["flock", "/tmp/ui-build.lock", process.execPath, "server/scripts/build.ts", ...skipUi, "--outfile", BINARY], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  upstream = startFakeUpstream({ port: 0 });
}, 300_000);

afterAll(async () => {
  for (const child of spawned) child.kill("SIGKILL");
  await upstream?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A fresh folder for one run: the working directory, HOME and data. */
function place(name: string): string {
  const path = mkdtempSync(join(folder, `${name}-`));
  return path;
}

/** Nothing from the caller's environment: no TOKEN, no LLMIO_* settings. */
function cleanEnv(cwd: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: "/usr/bin:/bin", HOME: cwd, ...extra };
}

interface Finished {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs llmio to its end (killed after `timeoutMs`: a command that should have refused but serves fails the test). */
async function llmio(runner: Runner, args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<Finished> {
  const cwd = options.cwd ?? place("run");
  const child = Bun.spawn([...runner.command, ...args], { cwd, env: cleanEnv(cwd, options.env), stdout: "pipe", stderr: "pipe" });
  spawned.push(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 15_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  return { exitCode: child.signalCode ? null : exitCode, stdout, stderr };
}

/** One line `llmio: …`, nothing like a stack trace or minified source. */
function expectOneLine(stderr: string, pattern: RegExp | string): void {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("llmio: ");
  if (typeof pattern === "string") expect(lines[0]).toContain(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(lines[0].length).toBeLessThan(300);
}

interface Serving {
  url: string;
  port: number;
  banner: string;
  /** Everything written to stderr: complete once the gateway stopped (see stop). */
  stderr(): string;
  /** Ends when stderr is closed and read whole. */
  stderrRead: Promise<void>;
  child: Bun.Subprocess<"ignore", "pipe", "pipe">;
}

/** Starts `llmio serve` on 127.0.0.1 and waits for the whole banner. */
async function serve(runner: Runner, args: string[], env: Record<string, string> = {}, cwd = place("serve")): Promise<Serving> {
  const child = Bun.spawn([...runner.command, "serve", "--host", "127.0.0.1", ...args], { cwd, env: cleanEnv(cwd, env), stdout: "pipe", stderr: "pipe" });
  spawned.push(child);
  let errors = "";
  const stderrRead = new Response(child.stderr).text().then((text) => void (errors = text));
  const reader = child.stdout.getReader();
  let banner = "";
  // The banner is one write; it ends with the admin token line (and the generated token's own line).
  while (!/admin token {3}(from [^\n]*|generated[^\n]*\n {10,}\S+)\n/.test(banner)) {
    const { done, value } = await reader.read();
    if (done) {
      await stderrRead;
      throw new Error(`llmio serve exited (${await child.exited}): ${banner}${errors}`);
    }
    banner += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const port = Number(/listening on [^\n]*:(\d+)/.exec(banner)![1]);
  return { url: `http://127.0.0.1:${port}`, port, banner, stderr: () => errors, stderrRead, child };
}

/** The arguments with `--host 127.0.0.1` right after `serve` (or first, when flags alone mean serve): in case it starts after all. */
function onLoopback(args: string[]): string[] {
  if (args[0] === "serve") return ["serve", "--host", "127.0.0.1", ...args.slice(1)];
  return args[0].startsWith("-") ? ["--host", "127.0.0.1", ...args] : args;
}

/** The gateway's log lines at level warn or error. */
function warningsOf(running: Serving): Array<{ level: string; message: string }> {
  const entries = running.stderr().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { level: string; message: string });
  return entries.filter((entry) => entry.level === "warn" || entry.level === "error");
}

/** Stops the gateway and reads the rest of its stderr. */
async function stop(running: Serving): Promise<void> {
  running.child.kill("SIGTERM");
  await Promise.all([running.child.exited, running.stderrRead]);
}

describe.each(runners)("llmio CLI ($name)", (runner) => {
  describe("usage errors: one line, exit status 2, nothing started", () => {
    const cases: Array<{ args: string[]; says: string }> = [
      { args: ["serve", "--port", "abc"], says: 'invalid --port "abc": a port is a whole number from 0 to 65535' },
      { args: ["serve", "--prot", "8080"], says: "unknown flag --prot: did you mean --port? (llmio serve --help lists every flag)" },
      // Flags alone mean `serve`.
      { args: ["--prot", "8080"], says: "unknown flag --prot: did you mean --port?" },
      { args: ["serve", "--port"], says: "--port needs a value" },
      { args: ["serve", "extra"], says: 'unexpected argument "extra"' },
      { args: ["serv"], says: 'unknown command "serv": did you mean serve? (llmio --help lists the commands)' },
      { args: ["fake-upstream", "--prot", "9999"], says: "unknown flag --prot: did you mean --port? (llmio fake-upstream --help" },
      { args: ["fake-upstream", "--port", "abc"], says: 'invalid --port "abc"' },
      { args: ["config", "export", "--dbpath", "x.db"], says: "unknown flag --dbpath: did you mean --db-path? (llmio config export --help" },
      { args: ["config", "apply", "catalog.yaml", "--dry-rn"], says: "unknown flag --dry-rn: did you mean --dry-run?" },
      { args: ["config", "exprot"], says: 'unknown command "exprot": did you mean export?' },
      { args: ["install-service", "--dry-rn"], says: "unknown flag --dry-rn: did you mean --dry-run? (llmio install-service --help" },
      { args: ["install-service", "--dry-run", "--port", "abc"], says: 'invalid --port "abc"' },
      { args: ["uninstall-service", "--usr"], says: "unknown flag --usr: did you mean --user?" },
      { args: ["healthcheck", "--prot", "7070"], says: "unknown flag --prot: did you mean --port?" },
      { args: ["version", "--verbose"], says: "unknown flag --verbose (llmio version --help lists every flag)" },
    ];
    test.each(cases)("$args", async ({ args, says }) => {
      const cwd = place("usage");
      // Before: `--prot` was ignored and the gateway bound 0.0.0.0:7070 (killed after 8 s here).
      const result = await llmio(runner, onLoopback(args), { cwd, timeoutMs: 8_000 });
      expect(result.exitCode).toBe(2);
      expectOneLine(result.stderr, says);
      expect(result.stdout).toBe("");
      expect(existsSync(join(cwd, "db"))).toBe(false);
    }, 20_000);
  });

  describe("runtime errors: one line with a hint, exit status 1", () => {
    test("a port held by another program", async () => {
      const other = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("not found", { status: 404 }) });
      try {
        const result = await llmio(runner, ["serve", "--host", "127.0.0.1", "--port", String(other.port)], { env: { TOKEN } });
        expect(result.exitCode).toBe(1);
        expectOneLine(result.stderr, `port ${other.port} is already in use by another program (choose another port with --port or LLMIO_SERVER_PORT)`);
        expect(result.stdout).not.toContain("listening");
      } finally {
        await other.stop(true);
      }
    }, 20_000);

    test("a database path that cannot be created", async () => {
      const cwd = place("db-path");
      writeFileSync(join(cwd, "a-file"), "");
      const dbPath = join(cwd, "a-file", "db", "llmio.db");
      const result = await llmio(runner, ["serve", "--port", "0", "--db-path", dbPath], { cwd, env: { TOKEN } });
      expect(result.exitCode).toBe(1);
      expectOneLine(result.stderr, `cannot open the database ${dbPath}: a part of the path is a file, not a folder`);
      expect(result.stderr).toContain("(choose a writable place with --db-path or --data-dir)");
    }, 20_000);

    test("a token file that cannot be written", async () => {
      const cwd = place("token-file");
      const dataDir = join(cwd, "data");
      mkdirSync(dataDir);
      // Where the token goes is a link into a folder that does not exist (root ignores file modes).
      symlinkSync(join(cwd, "missing", "token"), join(dataDir, "token"));
      const result = await llmio(runner, ["serve", "--port", "0", "--data-dir", dataDir], { cwd });
      expect(result.exitCode).toBe(1);
      expectOneLine(result.stderr, `cannot save the generated admin token to ${join(dataDir, "token")}: no such file or folder`);
      expect(result.stderr).toContain("(set TOKEN, or choose a writable folder with --data-dir or --db-path)");
    }, 20_000);

    test("--debug, or LLMIO_LOG_LEVEL=debug, adds the stack trace", async () => {
      const cwd = place("debug");
      writeFileSync(join(cwd, "a-file"), "");
      const args = ["serve", "--port", "0", "--db-path", join(cwd, "a-file", "llmio.db")];
      for (const [extraArgs, env] of [[["--debug"], { TOKEN }], [[], { TOKEN, LLMIO_LOG_LEVEL: "debug" }]] as const) {
        const result = await llmio(runner, [...args, ...extraArgs], { cwd, env });
        expect(result.exitCode).toBe(1);
        const lines = result.stderr.trim().split("\n");
        expect(lines[0]).toStartWith("llmio: cannot open the database");
        expect(lines.some((line) => /^\s+at /.test(line))).toBe(true);
      }
    }, 20_000);
  });

  test("a second llmio on a busy port refuses; the first answers every request", async () => {
    const first = await serve(runner, ["--port", "0", "--data-dir", place("first")], { TOKEN });
    try {
      // Before: the second printed "listening" and the kernel split connections between the two.
      const second = await llmio(runner, ["serve", "--host", "127.0.0.1", "--port", String(first.port), "--data-dir", place("second")], {
        env: { TOKEN: "second-gateway-token-0123456789" },
      });
      expect(second.exitCode).toBe(1);
      expectOneLine(second.stderr, `port ${first.port} is already in use: another llmio answers there (stop it, or choose another port with --port or LLMIO_SERVER_PORT)`);
      expect(second.stdout).not.toContain("listening");

      const requests = 60;
      // A new connection per request: reusePort balances connections, not requests.
      const statuses = await Promise.all(
        Array.from({ length: requests }, () =>
          fetch(`${first.url}/api/models`, { headers: { authorization: `Bearer ${TOKEN}` }, keepalive: false }).then((response) => response.status),
        ),
      );
      expect(statuses).toEqual(Array.from({ length: requests }, () => 200));
    } finally {
      await stop(first);
    }
  }, 30_000);

  describe("the start banner says where the admin token comes from", () => {
    test("TOKEN from the environment: named, never printed; a normal start warns about nothing", async () => {
      const running = await serve(runner, ["--port", "0", "--data-dir", place("env-token")], { TOKEN });
      await stop(running);
      expect(running.banner).toContain("  admin token   from the environment variable TOKEN (not shown)\n");
      expect(running.banner).not.toContain(TOKEN);
      // Before: the compiled binary warned that BUN_CONFIG_MAX_HTTP_REQUESTS was not set.
      expect(warningsOf(running)).toEqual([]);
    }, 20_000);

    test("--token: named, never printed", async () => {
      const running = await serve(runner, ["--port", "0", "--data-dir", place("flag-token"), "--token", TOKEN]);
      await stop(running);
      expect(running.banner).toContain("  admin token   from the --token flag (not shown)\n");
      expect(running.banner).not.toContain(TOKEN);
      expect(warningsOf(running)).toEqual([]);
    }, 20_000);

    test("generated: printed, with the file that keeps it, also on the next start", async () => {
      const dataDir = place("generated");
      const first = await serve(runner, ["--port", "0", "--data-dir", dataDir]);
      await stop(first);
      const token = readFileSync(join(dataDir, "token"), "utf8").trim();
      expect(first.banner).toContain(`  admin token   generated now, kept in ${join(dataDir, "token")} (set TOKEN to use your own)\n                ${token}\n`);
      expect(warningsOf(first)).toEqual([]);
      const second = await serve(runner, ["--port", "0", "--data-dir", dataDir]);
      await stop(second);
      expect(second.banner).toContain(`  admin token   generated at an earlier start, kept in ${join(dataDir, "token")}`);
      expect(second.banner).toContain(`\n                ${token}\n`);
    }, 20_000);

    test("a TOKEN shorter than 16 characters draws a warning", async () => {
      const running = await serve(runner, ["--port", "0", "--data-dir", place("short-token")], { TOKEN: "hunter2" });
      await stop(running);
      expect(running.banner).not.toContain("hunter2");
      const warnings = warningsOf(running);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].level).toBe("warn");
      expect(warnings[0].message).toStartWith("TOKEN is only 7 characters long");
      expect(warnings[0].message).not.toContain("hunter2");
    }, 20_000);
  });

  test("Bun's fetch limit is lifted without the user setting it: 1,000 slow upstream calls are in flight at once", async () => {
    const running = await serve(runner, ["--port", "0", "--data-dir", place("fetch-limit")], { TOKEN });
    try {
      const provider = await adminCall(running.url, TOKEN, "POST", "/api/providers", { name: "slow", type: "openai", baseUrl: `${upstream.url}/v1`, apiKey: "sk-slow-1234" });
      const model = await adminCall(running.url, TOKEN, "POST", "/api/models", { name: "slow" });
      await adminCall(running.url, TOKEN, "POST", "/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model+first-byte-delay=6000" });
      upstream.resetPeakConcurrency();
      const calls = 1_000;
      // The client must not be capped by the same limit: it runs with the variable set.
      const client = Bun.spawn([process.execPath, "-e", CLIENT], {
        env: { PATH: "/usr/bin:/bin", BUN_CONFIG_MAX_HTTP_REQUESTS: "65535", URL: running.url, TOKEN, CALLS: String(calls) },
        stdout: "pipe",
        stderr: "pipe",
      });
      spawned.push(client);
      const [output, errors] = await Promise.all([new Response(client.stdout).text(), new Response(client.stderr).text(), client.exited]);
      expect(errors).toBe("");
      expect(JSON.parse(output)).toEqual({ 200: calls });
      console.log(`${runner.name}: ${calls} concurrent slow calls, at most ${upstream.peakConcurrency} at once at the upstream`);
      // Before: 256, Bun's default.
      expect(upstream.peakConcurrency).toBe(calls);
      expect(warningsOf(running)).toEqual([]);
    } finally {
      await stop(running);
    }
  }, 60_000);
});

/** Sends CALLS chat calls at once to URL and prints how many ended with each status. */
const CLIENT = `
const calls = Array.from({ length: Number(process.env.CALLS) }, () =>
  fetch(process.env.URL + "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: "Bearer " + process.env.TOKEN, "content-type": "application/json" },
    body: JSON.stringify({ model: "slow", messages: [{ role: "user", content: "x" }] }),
  }).then((response) => response.text().then(() => response.status), (error) => String(error)),
);
const counts = {};
for (const status of await Promise.all(calls)) counts[status] = (counts[status] ?? 0) + 1;
console.log(JSON.stringify(counts));
`;
