import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "../lib/cli-error.ts";

/** The outcome of one external command. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Where the service's files live, for the system or one user. */
export interface ServicePaths {
  unitFile: string;
  /** `TOKEN=…`, readable by root (or the user) only. */
  environmentFile: string;
  /** What systemd's `StateDirectory=llmio` becomes: the database and generated token. */
  stateDirectory: string;
}

/** The machine `install-service` acts on; tests substitute temporary paths and a fake `systemctl`. */
export interface ServiceHost {
  isRoot: boolean;
  paths(user: boolean): ServicePaths;
  /** The absolute path of a program on PATH, or null. */
  which(program: string): string | null;
  /** Whether the system's (or the user's) service manager is up to talk to. */
  managerRunning(user: boolean): boolean;
  run(command: string[]): CommandResult;
}

/** This machine. */
export function systemHost(): ServiceHost {
  return {
    isRoot: process.getuid?.() === 0,
    paths: (user) => servicePaths(user, homedir()),
    which: (program) => Bun.which(program),
    managerRunning(user) {
      // The same test as sd_booted(3); a user manager is best asked directly.
      if (!user) return existsSync("/run/systemd/system");
      return Bun.spawnSync(["systemctl", "--user", "show-environment"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
    },
    run(command) {
      const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe" });
      return { exitCode: result.exitCode ?? 1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
    },
  };
}

/** systemd's standard locations; a DynamicUser service's state lives under /var/lib/private (linked from /var/lib). */
export function servicePaths(user: boolean, home: string): ServicePaths {
  if (user) {
    const stateHome = process.env.XDG_STATE_HOME || join(home, ".local/state");
    return {
      unitFile: join(home, ".config/systemd/user/llmio.service"),
      environmentFile: join(home, ".config/llmio/llmio.env"),
      stateDirectory: join(stateHome, "llmio"),
    };
  }
  return {
    unitFile: "/etc/systemd/system/llmio.service",
    environmentFile: "/etc/llmio/llmio.env",
    stateDirectory: "/var/lib/llmio",
  };
}

/** Fails early, before anything is written, when the host cannot manage this kind of unit. */
export function requireServiceManager(host: ServiceHost, user: boolean, verb: "install" | "uninstall"): void {
  if (!host.which("systemctl")) {
    throw new CliError(`systemctl not found: this system does not seem to run systemd${verb === "install" ? " (--dry-run prints the unit anyway)" : ""}`);
  }
  if (!user && !host.isRoot) {
    throw new CliError(`to ${verb} the system service, run this as root (sudo llmio ${verb}-service …), or add --user for a service of your own`);
  }
  if (!host.managerRunning(user)) {
    throw new CliError(
      user
        ? "cannot reach your user service manager (systemctl --user): log in with a full session (not `sudo su`), or install a system service"
        : `systemd is not running on this machine (no /run/systemd/system), so ${verb === "install" ? "the service cannot be installed (--dry-run prints the unit)" : "there is no service to uninstall"}`,
    );
  }
}

/** Runs `systemctl [--user] …`; a failure stops with systemctl's own explanation. */
export function systemctl(host: ServiceHost, user: boolean, ...args: string[]): CommandResult {
  const command = ["systemctl", ...(user ? ["--user"] : []), ...args];
  const result = host.run(command);
  if (result.exitCode !== 0) {
    const reason = (result.stderr || result.stdout).trim() || `exit code ${result.exitCode}`;
    throw new CliError(`\`${command.join(" ")}\` failed: ${reason}`);
  }
  return result;
}
