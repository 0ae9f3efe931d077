/**
 * Builds the single `llmio` executable: the admin UI (vite), its files embedded through a
 * generated module, the SQL migrations inlined by a macro, compiled with Bun.
 *   bun server/scripts/build.ts [--target bun-linux-arm64] [--outfile dist/llmio-linux-arm64] [--skip-ui]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const { values } = parseArgs({
  options: {
    target: { type: "string" },
    outfile: { type: "string", default: "dist/llmio" },
    "skip-ui": { type: "boolean", default: false },
  },
});

function run(command: string[], cwd = root) {
  const result = Bun.spawnSync(command, { cwd, stdout: "inherit", stderr: "inherit" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed with exit code ${result.exitCode}`);
}

if (!values["skip-ui"]) run([process.execPath, "run", "--cwd", "ui", "build"]);
run([process.execPath, "server/scripts/generate-ui-assets.ts"]);
run([
  process.execPath,
  "build",
  "server/src/main.ts",
  "--compile",
  "--minify",
  // Precompiled bytecode: the first request is answered ≈75 ms after exec instead of ≈170 ms
  // (it costs ≈5 MB of resident memory).
  "--bytecode",
  // A service must not pick up a stray .env or bunfig.toml from whatever folder it runs in.
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  ...(values.target ? [`--target=${values.target}`] : []),
  "--outfile",
  values.outfile!,
]);
console.log(`built ${values.outfile}`);
