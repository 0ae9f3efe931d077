import { startFakeUpstream } from "./server.ts";

/**
 * `llmio fake-upstream`: runs the fake until SIGINT/SIGTERM. Resolves once it has stopped,
 * so the caller may exit (or let the process end on its own).
 */
export function runFakeUpstreamCli(args: { port: number; host: string }): Promise<void> {
  const upstream = startFakeUpstream({ port: args.port, hostname: args.host });
  console.log(`fake upstream listening on ${upstream.url}`);
  return new Promise((resolve) => {
    const shutdown = () => {
      process.off("SIGINT", shutdown);
      process.off("SIGTERM", shutdown);
      upstream.stop().then(resolve, resolve);
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  });
}
