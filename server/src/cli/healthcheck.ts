import { defineCommand } from "citty";
import { parsePortFlag } from "./port-flag.ts";

/** `llmio healthcheck`: exits 0 when the local gateway answers /health (for Docker's HEALTHCHECK). */
export const healthcheckCommand = defineCommand({
  meta: { name: "healthcheck", description: "Exit 0 when the gateway on this machine answers /health, 1 otherwise" },
  args: {
    port: { type: "string", description: "Port of the gateway (env LLMIO_SERVER_PORT, default 7070)" },
  },
  async run({ args }) {
    const port = parsePortFlag(args.port ?? (process.env.LLMIO_SERVER_PORT || "7070"));
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      process.exit(response.ok ? 0 : 1);
    } catch {
      process.exit(1);
    }
  },
});
