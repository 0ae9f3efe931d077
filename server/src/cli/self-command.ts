import { resolve } from "node:path";
import { isCompiled } from "../runtime.ts";

/**
 * How to start this same program again, for a service unit: the compiled executable itself,
 * or the Bun running this process with the absolute path of `main.ts`.
 */
export function gatewayCommand(): string[] {
  if (isCompiled) return [process.execPath];
  return [process.execPath, resolve(import.meta.dir, "../main.ts")];
}
