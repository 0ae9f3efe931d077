/** Builds the admin UI once (when ui/dist is missing), so `bun run start` serves it from a fresh clone. */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
if (!existsSync(join(root, "ui/dist/index.html"))) {
  console.log("building the admin UI (first start only)…");
  const result = Bun.spawnSync([process.execPath, "run", "--cwd", "ui", "build"], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if (result.exitCode !== 0) console.error("the admin UI could not be built; the gateway starts without it");
}
