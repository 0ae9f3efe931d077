import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderUnit, type UnitOptions } from "./systemd-unit.ts";

const analyzer = Bun.which("systemd-analyze");
if (!analyzer) console.warn("systemd-analyze not found: skipping the `systemd-analyze verify` checks of the rendered units");

const folder = mkdtempSync(join(tmpdir(), "llmio-unit-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// An existing executable, as verify checks that ExecStart's program exists.
const execStart = [process.execPath, join(import.meta.dir, "../main.ts")];

function unit(options: Partial<UnitOptions> = {}): string {
  return renderUnit({ execStart, port: 7070, host: "0.0.0.0", user: false, environment: {}, environmentFile: "/etc/llmio/llmio.env", ...options });
}

/** `systemd-analyze [--user] verify` on the unit written as llmio.service; warnings count as failures. */
function verify(text: string, user: boolean) {
  const directory = mkdtempSync(join(folder, "verify-"));
  const runtime = join(directory, "runtime");
  mkdirSync(runtime, { mode: 0o700 });
  writeFileSync(join(directory, "llmio.service"), text);
  // A user manager needs a runtime directory, which a test machine's session may not have.
  const result = Bun.spawnSync([analyzer!, ...(user ? ["--user"] : []), "verify", "./llmio.service"], {
    cwd: directory,
    env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: "0" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}`.trim() };
}

const HARDENING = [
  "NoNewPrivileges=yes",
  "ProtectSystem=strict",
  "ProtectHome=yes",
  "PrivateTmp=yes",
  "PrivateDevices=yes",
  "ProtectKernelTunables=yes",
  "ProtectKernelModules=yes",
  "ProtectKernelLogs=yes",
  "ProtectControlGroups=yes",
  "ProtectClock=yes",
  "ProtectHostname=yes",
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
  "RestrictNamespaces=yes",
  "RestrictSUIDSGID=yes",
  "LockPersonality=yes",
  "RestrictRealtime=yes",
  "SystemCallArchitectures=native",
  "CapabilityBoundingSet=",
  "UMask=0077",
  "MemoryMax=1G",
  "TimeoutStopSec=45",
];

function lines(text: string): string[] {
  return text.split("\n");
}

describe("system unit", () => {
  const text = unit();

  test.skipIf(!analyzer)("passes systemd-analyze verify without a warning", () => {
    expect(verify(text, false)).toEqual({ exitCode: 0, output: "" });
  });

  test("runs serve with a dynamic user, a state directory and the full sandbox", () => {
    expect(lines(text)).toContain(`ExecStart=${execStart.join(" ")} serve --port 7070 --host 0.0.0.0`);
    for (const line of ["DynamicUser=yes", "StateDirectory=llmio", "WorkingDirectory=%S/llmio", "Restart=on-failure", ...HARDENING]) {
      expect(lines(text)).toContain(line);
    }
    expect(lines(text)).toContain("EnvironmentFile=-/etc/llmio/llmio.env");
    expect(lines(text)).toContain("WantedBy=multi-user.target");
    // It breaks the JIT.
    expect(lines(text).some((line) => line.startsWith("MemoryDenyWriteExecute"))).toBe(false);
  });

  test("a port below 1024 gets exactly the capability to bind it", () => {
    const low = unit({ port: 443 });
    expect(lines(low)).toContain("CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
    expect(lines(low)).toContain("AmbientCapabilities=CAP_NET_BIND_SERVICE");
    expect(lines(low)).not.toContain("CapabilityBoundingSet=");
  });

  test.skipIf(!analyzer)("quotes arguments with spaces, % and $ so systemd reads them back", () => {
    // systemd expands variables in the arguments only, not in the program path.
    const strange = join(folder, "my tools", "llm%io $HOME");
    mkdirSync(join(folder, "my tools"), { recursive: true });
    symlinkSync(process.execPath, strange);
    const text = unit({ execStart: [strange, "/srv/$x 5%.ts"], environment: { LLMIO_SHUTDOWN_GRACE_MS: "20000", NOTE: 'say "100%"' } });
    expect(text).toContain(`ExecStart="${folder}/my tools/llm%%io $HOME" "/srv/$$x 5%%.ts" serve`);
    expect(text).toContain('Environment="NOTE=say \\"100%%\\""');
    expect(verify(text, false)).toEqual({ exitCode: 0, output: "" });
  });
});

describe("user unit", () => {
  const text = unit({ user: true, environmentFile: "/home/someone/.config/llmio/llmio.env" });

  test.skipIf(!analyzer)("passes systemd-analyze --user verify without a warning", () => {
    expect(verify(text, true)).toEqual({ exitCode: 0, output: "" });
  });

  test("leaves out what user managers reject, keeps the seccomp-based sandbox", () => {
    for (const absent of ["DynamicUser", "CapabilityBoundingSet", "AmbientCapabilities", "ProtectSystem", "network-online.target"]) {
      expect(text).not.toContain(absent);
    }
    for (const line of ["StateDirectory=llmio", "WorkingDirectory=%S/llmio", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallArchitectures=native", "UMask=0077", "MemoryMax=1G", "TimeoutStopSec=45"]) {
      expect(lines(text)).toContain(line);
    }
    expect(lines(text)).toContain("WantedBy=default.target");
  });
});

test("refuses a relative program path", () => {
  expect(() => unit({ execStart: ["llmio"] })).toThrow("absolute program path");
});
