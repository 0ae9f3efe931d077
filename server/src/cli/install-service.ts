import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { defineCommand } from "citty";
import { UsageError } from "../lib/cli-error.ts";
import { consoleOutput, type Output } from "./output.ts";
import { parsePortFlag } from "./port-flag.ts";
import { gatewayCommand } from "./self-command.ts";
import { requireServiceManager, systemctl, systemHost, type ServiceHost } from "./service-host.ts";
import { renderUnit } from "./systemd-unit.ts";

export interface InstallOptions {
  user: boolean;
  /** Print the unit instead of installing it. */
  dryRun: boolean;
  port: number;
  host: string;
  /** The admin token, written to the environment file (never into the unit). */
  token?: string;
  /** Multi-instance mode: PostgreSQL and Redis URLs (they may hold passwords), written to the environment file too. */
  databaseUrl?: string;
  redisUrl?: string;
  /** The program the unit runs; defaults to this one. */
  execStart?: string[];
}

/**
 * Writes the unit (and the token file), then `daemon-reload` and `enable --now`; a unit that was
 * already installed is restarted so new settings take effect. A dry run only prints the unit.
 */
export function installService(options: InstallOptions, host: ServiceHost = systemHost(), output: Output = consoleOutput): void {
  validate(options);
  const paths = host.paths(options.user);
  const execStart = options.execStart ?? gatewayCommand();
  const unit = renderUnit({
    execStart,
    port: options.port,
    host: options.host,
    user: options.user,
    environment: {},
    environmentFile: paths.environmentFile,
  });
  warnAboutReach(options, execStart, output);
  if (options.dryRun) {
    output.out(unit);
    const names = Object.keys(privateEnvironment(options));
    output.note(`(dry run: would write ${paths.unitFile}${names.length > 0 ? ` and ${names.join(", ")} to ${paths.environmentFile} (mode 0600)` : ""})`);
    return;
  }

  requireServiceManager(host, options.user, "install");
  const reinstall = existsSync(paths.unitFile);
  mkdirSync(dirname(paths.unitFile), { recursive: true });
  writeFileSync(paths.unitFile, unit, { mode: 0o644 });
  const secrets = privateEnvironment(options);
  if (Object.keys(secrets).length > 0) writeEnvironmentFile(paths.environmentFile, secrets);
  systemctl(host, options.user, "daemon-reload");
  systemctl(host, options.user, "enable", "--now", "llmio");
  // `enable --now` leaves a running service alone; a changed unit needs a restart to apply.
  if (reinstall) systemctl(host, options.user, "restart", "llmio");

  const scope = options.user ? " --user" : "";
  const shownHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const sudo = options.user ? "" : "sudo ";
  output.note(`${reinstall ? "Updated and restarted" : "Installed and started"} ${paths.unitFile}`);
  output.note(`  status   systemctl${scope} status llmio`);
  output.note(`  logs     journalctl${scope} -u llmio -f`);
  output.note(`  gateway  http://${shownHost}:${options.port}/`);
  output.note(`  data     ${paths.stateDirectory} (database and generated token; uninstall-service keeps it)`);
  output.note(
    options.token
      ? `  token    from ${paths.environmentFile}`
      : `  token    generated at first start: ${sudo}cat ${paths.stateDirectory}/token`,
  );
  if (options.user) output.note("  To keep it running after you log out: loginctl enable-linger $USER");
}

function validate(options: InstallOptions): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new UsageError(`--port must be a whole number from 1 to 65535, got ${options.port}`);
  }
  if (!options.host || /\s/.test(options.host)) throw new UsageError(`--host must be an address without spaces, got "${options.host}"`);
  // systemd reads quotes, backslashes and `$` in environment files; a plain alphabet avoids every surprise.
  if (options.token !== undefined && !/^[\w.~+/=:@,-]+$/.test(options.token)) {
    throw new UsageError("--token may only contain letters, digits and - _ . ~ + / = : @ ,");
  }
  for (const [flag, value, scheme] of [
    ["--database-url", options.databaseUrl, /^postgres(ql)?:\/\//],
    ["--redis-url", options.redisUrl, /^rediss?:\/\//],
  ] as const) {
    if (value === undefined) continue;
    if (!scheme.test(value)) throw new UsageError(`${flag} must start with ${flag === "--redis-url" ? "redis:// or rediss://" : "postgres://"}`);
    if (!/^[\w.~+/=:@,%?&[\]-]+$/.test(value)) throw new UsageError(`${flag} may not contain spaces, quotes, backslashes or $ (percent-encode them)`);
  }
}

/** What goes to the private environment file rather than into the world-readable unit. */
function privateEnvironment(options: InstallOptions): Record<string, string> {
  const entries = { TOKEN: options.token, DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl };
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

function writeEnvironmentFile(path: string, entries: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lines = Object.entries(entries).map(([name, value]) => `${name}=${value}`);
  writeFileSync(path, `# Read by llmio.service (EnvironmentFile=); keep it private.\n${lines.join("\n")}\n`, { mode: 0o600 });
  // The mode above only applies to a new file.
  chmodSync(path, 0o600);
}

/** Settings that install fine but would keep the service from working. */
function warnAboutReach(options: InstallOptions, execStart: string[], output: Output): void {
  if (!options.user && execStart.length > 1) {
    output.note(`note: the unit runs the sources (${execStart.at(-1)}) with Bun; the service's throwaway user must be able to read them, so a compiled binary in /usr/local/bin is simpler`);
  }
  if (!options.user) {
    const hidden = execStart.find((path) => /^\/(home|root|run\/user)(\/|$)/.test(path));
    if (hidden) {
      output.note(
        `warning: the unit runs ${hidden}, which ProtectHome=yes hides from the service; ` +
          "install a compiled binary (e.g. /usr/local/bin/llmio) and run install-service from it",
      );
    }
  } else if (options.port < 1024) {
    output.note(`warning: a user service cannot bind port ${options.port} (below 1024) on most systems`);
  }
}

export const installServiceCommand = defineCommand({
  meta: {
    name: "install-service",
    description: "Install llmio as a hardened systemd service (DynamicUser + StateDirectory), enable and start it",
  },
  args: {
    "dry-run": { type: "boolean", description: "Print the unit instead of installing it" },
    user: { type: "boolean", description: "Install a user service (systemctl --user) instead of a system one" },
    port: { type: "string", description: "Port the service listens on", default: "7070" },
    host: { type: "string", description: "Address the service binds", default: "0.0.0.0" },
    token: {
      type: "string",
      description: "Admin token, stored in /etc/llmio/llmio.env (user: ~/.config/llmio/llmio.env), not in the unit; generated at first start when omitted",
    },
    "database-url": { type: "string", description: "PostgreSQL for multi-instance mode (postgres://…), stored in the same private file" },
    "redis-url": { type: "string", description: "Redis for multi-instance mode (redis://…), stored in the same private file" },
  },
  run: ({ args }) =>
    installService({
      dryRun: Boolean(args["dry-run"]),
      user: Boolean(args.user),
      port: parsePortFlag(args.port),
      host: args.host,
      token: args.token,
      databaseUrl: args["database-url"],
      redisUrl: args["redis-url"],
    }),
});
