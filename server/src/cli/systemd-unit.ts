/** What goes into the `llmio.service` unit. */
export interface UnitOptions {
  /** The program and its leading arguments (compiled binary, or bun + main.ts); `serve …` is appended. */
  execStart: string[];
  port: number;
  host: string;
  /** A unit for the user's own service manager (`systemctl --user`) instead of the system's. */
  user: boolean;
  /** Extra variables set in the unit. Never secrets: those go in `environmentFile`. */
  environment: Record<string, string>;
  /** Absolute path of an optional `KEY=value` file (the token), read as `EnvironmentFile=-…`. */
  environmentFile?: string;
}

/** The graceful shutdown waits up to 30 s (LLMIO_SHUTDOWN_GRACE_MS); systemd must wait longer before SIGKILL. */
const STOP_TIMEOUT_SECONDS = 45;

/** Renders a hardened systemd unit that runs `llmio serve` with a persistent state directory. */
export function renderUnit(options: UnitOptions): string {
  const [program] = options.execStart;
  if (!program?.startsWith("/")) throw new Error(`ExecStart needs an absolute program path, got "${program ?? ""}"`);
  const command = [...options.execStart, "serve", "--port", String(options.port), "--host", options.host];
  const lowPort = options.port > 0 && options.port < 1024;
  const lines = [
    "# Written by `llmio install-service`: run it again to change settings (edits here are overwritten).",
    "[Unit]",
    "Description=llmio LLM API gateway",
    // User managers have no network targets.
    ...(options.user ? [] : ["After=network-online.target", "Wants=network-online.target"]),
    "",
    "[Service]",
    "Type=exec",
    `ExecStart=${command.map((argument, index) => quoteArgument(argument, index === 0)).join(" ")}`,
    ...(options.environmentFile ? [`EnvironmentFile=-${escapeSpecifiers(options.environmentFile)}`] : []),
    "# Bun allows 256 upstream requests at once unless told otherwise at start-up.",
    "Environment=BUN_CONFIG_MAX_HTTP_REQUESTS=65535",
    ...Object.entries(options.environment).map(([name, value]) => `Environment=${quoteAssignment(name, value)}`),
    ...(options.user ? [] : ["# A throwaway system user; only the state directory persists across runs.", "DynamicUser=yes"]),
    "# The gateway keeps its database and token in $STATE_DIRECTORY.",
    "StateDirectory=llmio",
    "StateDirectoryMode=0700",
    "WorkingDirectory=%S/llmio",
    "Restart=on-failure",
    "RestartSec=2",
    `TimeoutStopSec=${STOP_TIMEOUT_SECONDS}`,
    "LimitNOFILE=65536",
    "MemoryMax=1G",
    "UMask=0077",
    "",
    "# Sandbox. MemoryDenyWriteExecute= is left out on purpose: it breaks Bun's JIT.",
    "NoNewPrivileges=yes",
    ...(options.user ? userSandboxNote : systemSandbox(lowPort)),
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
    "RestrictNamespaces=yes",
    "RestrictSUIDSGID=yes",
    "RestrictRealtime=yes",
    "LockPersonality=yes",
    "SystemCallArchitectures=native",
    "",
    "[Install]",
    `WantedBy=${options.user ? "default.target" : "multi-user.target"}`,
    "",
  ];
  return lines.join("\n");
}

function systemSandbox(lowPort: boolean): string[] {
  return [
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
    // Binding a port below 1024 is the one privilege the gateway may need.
    ...(lowPort
      ? ["CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE"]
      : ["CapabilityBoundingSet="]),
  ];
}

// The mount-namespace options need privileges a user manager only has with unprivileged user
// namespaces, and it cannot drop capabilities: a unit using them would fail on many hosts.
const userSandboxNote = [
  "# User managers cannot set up mount namespaces or capability sets everywhere, so only the",
  "# seccomp-based restrictions below apply (run a system unit for the full sandbox).",
];

/** Plain words stay bare; anything else is double-quoted with C escapes (systemd.service "Command lines"). */
function quoteArgument(argument: string, program: boolean): string {
  // `%` starts a specifier everywhere, in quotes too; `$` a variable, but not in the program path.
  const specifiersEscaped = escapeSpecifiers(argument);
  const escaped = program ? specifiersEscaped : specifiersEscaped.replaceAll("$", "$$$$");
  if (/^[\w@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function quoteAssignment(name: string, value: string): string {
  if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`Invalid environment variable name: ${name}`);
  return `"${escapeSpecifiers(`${name}=${value}`).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function escapeSpecifiers(text: string): string {
  return text.replaceAll("%", "%%");
}
