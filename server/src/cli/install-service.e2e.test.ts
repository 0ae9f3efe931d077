import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../lib/cli-error.ts";
import { installService, type InstallOptions } from "./install-service.ts";
import type { Output } from "./output.ts";
import { servicePaths, type CommandResult, type ServiceHost } from "./service-host.ts";
import { uninstallService } from "./uninstall-service.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const TOKEN = "llmio-test-token-0123456789";
const folder = mkdtempSync(join(tmpdir(), "llmio-install-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A machine whose files live in a temporary folder and whose systemctl only records its calls. */
function fakeHost(options: { isRoot?: boolean; systemctl?: boolean; managerRunning?: boolean; failing?: string } = {}) {
  const root = mkdtempSync(join(folder, "host-"));
  const commands: string[] = [];
  const host: ServiceHost = {
    isRoot: options.isRoot ?? true,
    paths: (user) => {
      const paths = servicePaths(user, "/home/someone");
      return { ...paths, unitFile: join(root, paths.unitFile), environmentFile: join(root, paths.environmentFile) };
    },
    which: (program) => (program === "systemctl" && options.systemctl !== false ? "/usr/bin/systemctl" : null),
    managerRunning: () => options.managerRunning ?? true,
    run(command): CommandResult {
      commands.push(command.join(" "));
      const failed = options.failing !== undefined && command.join(" ").includes(options.failing);
      return failed ? { exitCode: 1, stdout: "", stderr: "Failed to connect to bus: No medium found\n" } : { exitCode: 0, stdout: "", stderr: "" };
    },
  };
  return { host, commands };
}

function capture(): Output & { text: string; notes: string[] } {
  const output = { text: "", notes: [] as string[], out: (text: string) => void (output.text += text), note: (line: string) => void output.notes.push(line) };
  return output;
}

const defaults: InstallOptions = { user: false, dryRun: false, port: 7070, host: "0.0.0.0", execStart: ["/usr/local/bin/llmio"] };

describe("install-service", () => {
  test("writes the unit and a private token file, reloads, enables and starts, then says where to look", () => {
    const { host, commands } = fakeHost();
    const output = capture();
    installService({ ...defaults, token: TOKEN }, host, output);
    const paths = host.paths(false);
    const unit = readFileSync(paths.unitFile, "utf8");
    expect(unit).toContain("ExecStart=/usr/local/bin/llmio serve --port 7070 --host 0.0.0.0");
    expect(unit).toContain(`EnvironmentFile=-${paths.environmentFile}`);
    expect(unit).not.toContain(TOKEN);
    expect(readFileSync(paths.environmentFile, "utf8")).toContain(`\nTOKEN=${TOKEN}\n`);
    expect(statSync(paths.environmentFile).mode & 0o777).toBe(0o600);
    expect(commands).toEqual(["systemctl daemon-reload", "systemctl enable --now llmio"]);
    expect(output.notes.join("\n")).toContain("journalctl -u llmio -f");
    expect(output.notes.join("\n")).toContain("http://127.0.0.1:7070/");
  });

  test("installing over an existing unit restarts the service so the new settings apply", () => {
    const { host, commands } = fakeHost();
    installService(defaults, host, capture());
    installService({ ...defaults, port: 8080 }, host, capture());
    expect(commands.slice(2)).toEqual(["systemctl daemon-reload", "systemctl enable --now llmio", "systemctl restart llmio"]);
    expect(readFileSync(host.paths(false).unitFile, "utf8")).toContain("--port 8080");
  });

  test("--user installs a user unit through systemctl --user, without root", () => {
    const { host, commands } = fakeHost({ isRoot: false });
    const output = capture();
    installService({ ...defaults, user: true }, host, output);
    expect(host.paths(true).unitFile).toEndWith("/home/someone/.config/systemd/user/llmio.service");
    expect(readFileSync(host.paths(true).unitFile, "utf8")).toContain("WantedBy=default.target");
    expect(commands).toEqual(["systemctl --user daemon-reload", "systemctl --user enable --now llmio"]);
    expect(output.notes.join("\n")).toContain("journalctl --user -u llmio -f");
    expect(output.notes.join("\n")).toContain("loginctl enable-linger");
  });

  test("a system unit without root, without systemctl or without a running systemd fails before writing anything", () => {
    const notRoot = fakeHost({ isRoot: false });
    expect(() => installService(defaults, notRoot.host, capture())).toThrow(/run this as root .*or add --user/);
    expect(existsSync(notRoot.host.paths(false).unitFile)).toBe(false);
    const noSystemctl = fakeHost({ systemctl: false });
    expect(() => installService(defaults, noSystemctl.host, capture())).toThrow("systemctl not found");
    expect(noSystemctl.commands).toEqual([]);
    const noSystemd = fakeHost({ managerRunning: false });
    expect(() => installService(defaults, noSystemd.host, capture())).toThrow("systemd is not running on this machine");
    expect(() => installService({ ...defaults, user: true }, noSystemd.host, capture())).toThrow("cannot reach your user service manager");
    expect(existsSync(noSystemd.host.paths(false).unitFile)).toBe(false);
  });

  test("a failing systemctl is reported with its own message", () => {
    const { host } = fakeHost({ failing: "enable" });
    expect(() => installService(defaults, host, capture())).toThrow("`systemctl enable --now llmio` failed: Failed to connect to bus: No medium found");
  });

  test("multi-instance URLs go to the private file with the token, never into the unit", () => {
    const { host } = fakeHost();
    const databaseUrl = "postgres://llmio:p%40ss@db.internal:5432/llmio?sslmode=require";
    const redisUrl = "redis://:secret@cache.internal:6379";
    installService({ ...defaults, token: TOKEN, databaseUrl, redisUrl }, host, capture());
    const paths = host.paths(false);
    const unit = readFileSync(paths.unitFile, "utf8");
    expect(unit).not.toContain("p%40ss");
    expect(unit).not.toContain("secret");
    expect(readFileSync(paths.environmentFile, "utf8")).toEndWith(`\nTOKEN=${TOKEN}\nDATABASE_URL=${databaseUrl}\nREDIS_URL=${redisUrl}\n`);
    expect(statSync(paths.environmentFile).mode & 0o777).toBe(0o600);
    expect(() => installService({ ...defaults, databaseUrl: "mysql://x" }, host, capture())).toThrow("--database-url must start with postgres://");
    expect(() => installService({ ...defaults, redisUrl: "redis://a b" }, host, capture())).toThrow("--redis-url may not contain spaces");
  });

  test("a dry run prints the unit and touches nothing", () => {
    const { host, commands } = fakeHost({ isRoot: false, systemctl: false });
    const output = capture();
    installService({ ...defaults, dryRun: true, token: TOKEN }, host, output);
    expect(output.text).toStartWith("# Written by `llmio install-service`");
    expect(output.text).not.toContain(TOKEN);
    expect(existsSync(host.paths(false).unitFile)).toBe(false);
    expect(existsSync(host.paths(false).environmentFile)).toBe(false);
    expect(commands).toEqual([]);
  });

  test("bad flags are clear errors", () => {
    const { host } = fakeHost();
    expect(() => installService({ ...defaults, port: 70_000 }, host, capture())).toThrow(CliError);
    expect(() => installService({ ...defaults, token: 'has "quotes"' }, host, capture())).toThrow("--token may only contain");
  });

  test("warns when ProtectHome would hide the program", () => {
    const output = capture();
    installService({ ...defaults, dryRun: true, execStart: ["/home/someone/bin/llmio"] }, fakeHost().host, output);
    expect(output.notes.join("\n")).toContain("ProtectHome=yes hides");
  });
});

describe("uninstall-service", () => {
  test("disables and stops the service, removes the unit, keeps data and token", () => {
    const { host, commands } = fakeHost();
    installService({ ...defaults, token: TOKEN }, host, capture());
    const output = capture();
    uninstallService({ user: false }, host, output);
    expect(commands.slice(2)).toEqual(["systemctl disable --now llmio", "systemctl daemon-reload"]);
    expect(existsSync(host.paths(false).unitFile)).toBe(false);
    expect(existsSync(host.paths(false).environmentFile)).toBe(true);
    expect(output.notes.join("\n")).toContain("data kept in /var/lib/llmio");
  });

  test("says so when nothing is installed", () => {
    expect(() => uninstallService({ user: true }, fakeHost().host, capture())).toThrow("no llmio service is installed");
  });
});

test("`llmio install-service --dry-run` as a process prints the unit, and never the token", () => {
  const result = Bun.spawnSync([process.execPath, MAIN, "install-service", "--dry-run", "--port", "9090", "--token", TOKEN], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const unit = result.stdout.toString();
  expect(result.exitCode).toBe(0);
  expect(unit).toContain(`ExecStart=${process.execPath} ${MAIN} serve --port 9090 --host 0.0.0.0`);
  expect(unit).toContain("DynamicUser=yes");
  expect(unit).not.toContain(TOKEN);
  expect(result.stderr.toString()).toContain("TOKEN to /etc/llmio/llmio.env");
});
