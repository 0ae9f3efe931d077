import { existsSync, rmSync } from "node:fs";
import { defineCommand } from "citty";
import { CliError } from "../lib/cli-error.ts";
import { consoleOutput, type Output } from "./output.ts";
import { requireServiceManager, systemctl, systemHost, type ServiceHost } from "./service-host.ts";

/** Stops and disables the service and removes its unit; the data and the token file stay. */
export function uninstallService(options: { user: boolean }, host: ServiceHost = systemHost(), output: Output = consoleOutput): void {
  const paths = host.paths(options.user);
  requireServiceManager(host, options.user, "uninstall");
  if (!existsSync(paths.unitFile)) throw new CliError(`no llmio service is installed (${paths.unitFile} does not exist)`);
  systemctl(host, options.user, "disable", "--now", "llmio");
  rmSync(paths.unitFile);
  systemctl(host, options.user, "daemon-reload");

  const sudo = options.user ? "" : "sudo ";
  output.note(`Stopped, disabled and removed ${paths.unitFile}`);
  output.note(`  data kept in ${paths.stateDirectory}: erase it with ${sudo}rm -rf ${options.user ? paths.stateDirectory : "/var/lib/private/llmio /var/lib/llmio"}`);
  if (existsSync(paths.environmentFile)) output.note(`  token file kept: ${paths.environmentFile}`);
}

export const uninstallServiceCommand = defineCommand({
  meta: { name: "uninstall-service", description: "Stop, disable and remove the llmio systemd service (keeps its data)" },
  args: {
    user: { type: "boolean", description: "Remove the user service (systemctl --user) instead of the system one" },
  },
  run: ({ args }) => uninstallService({ user: Boolean(args.user) }),
});
