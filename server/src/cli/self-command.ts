import { resolve } from "node:path";

/**
 * How to start this same program again, for a service unit: the compiled executable itself,
 * or the Bun running this process with the absolute path of `main.ts`.
 */
export function gatewayCommand(): string[] {
  // A compiled executable sees its bundled sources under Bun's virtual `/$bunfs` root.
  if (import.meta.dir.startsWith("/$bunfs")) return [process.execPath];
  return [process.execPath, resolve(import.meta.dir, "../main.ts")];
}
