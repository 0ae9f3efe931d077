import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

/**
 * Unit tests beside the sources, run with `bun run --cwd extension test` (never by `bun test`:
 * the root bunfig.toml roots bun's runner at server/). WxtVitest swaps `browser` for WXT's
 * in-memory fake browser and applies wxt.config.ts (aliases, import.meta.env).
 */
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
