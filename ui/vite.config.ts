import UnoCSS from "@unocss/vite";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

/** The gateway the dev server proxies to (`LLMIO_API=http://host:port bun run dev` to change it). */
const gateway = process.env.LLMIO_API ?? "http://127.0.0.1:7070";

export default defineConfig({
  plugins: [UnoCSS(), solid()],
  server: {
    port: 5173,
    proxy: {
      "/api": gateway,
      "/v1": gateway,
      "/health": gateway,
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Hashed file names under /assets/: the server caches them for a year.
    assetsDir: "assets",
    sourcemap: false,
  },
});
