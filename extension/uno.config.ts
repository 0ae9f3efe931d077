import presetIcons from "@unocss/preset-icons";
import presetWind3 from "@unocss/preset-wind3";
import transformerVariantGroup from "@unocss/transformer-variant-group";
import { defineConfig } from "@unocss/vite";

/**
 * The admin UI's design tokens (ui/uno.config.ts), trimmed to what the popup and options
 * use. Dark mode follows the system (`media`): the extension has no theme switch.
 */
export default defineConfig({
  presets: [
    presetWind3({ dark: "media" }),
    presetIcons({ scale: 1.1, extraProperties: { display: "inline-block", "vertical-align": "middle", "flex-shrink": "0" } }),
  ],
  transformers: [transformerVariantGroup()],
  content: {
    pipeline: { include: [/\.(tsx?|html)($|\?)/] },
    // Read the sources from disk as well: WXT runs the Solid plugin before UnoCSS sees the
    // modules, and Solid's templates drop the quotes around single-class attributes
    // (`<span class=badge-brand>`), which the pipeline extractor then misses. Not the unit tests:
    // words in them ("badge") would add CSS, and the sources zip for addons.mozilla.org, which
    // leaves tests out, would no longer rebuild the same files.
    filesystem: ["entrypoints/**/*.{ts,tsx,html}", "src/**/*.{ts,tsx}", "!**/*.test.{ts,tsx}"],
  },
  theme: {
    colors: {
      brand: { 50: "#eef2ff", 100: "#e0e7ff", 200: "#c7d2fe", 300: "#a5b4fc", 400: "#818cf8", 500: "#6366f1", 600: "#4f46e5", 700: "#4338ca", 800: "#3730a3", 900: "#312e81" },
    },
    fontFamily: {
      sans: 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
      mono: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    },
  },
  shortcuts: {
    card: "rounded-xl border border-zinc-200 bg-white dark:(border-zinc-800 bg-zinc-900)",
    btn: "inline-flex items-center justify-center gap-1.5 whitespace-nowrap rounded-lg px-3 h-8 text-sm font-medium transition-colors select-none cursor-pointer focus-visible:(outline-none ring-2 ring-brand-500/60) disabled:(opacity-50 cursor-not-allowed)",
    "btn-primary": "btn bg-brand-600 text-white hover:bg-brand-700 dark:(bg-brand-500 hover:bg-brand-400)",
    "btn-secondary": "btn border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:(border-zinc-700 bg-zinc-800 text-zinc-100 hover:bg-zinc-700)",
    "btn-ghost": "btn text-zinc-600 hover:(bg-zinc-100 text-zinc-900) dark:(text-zinc-300 hover:bg-zinc-800 hover:text-white)",
    "btn-icon": "btn-ghost h-8 w-8 px-0",
    input:
      "h-9 w-full min-w-0 rounded-lg border border-zinc-300 bg-white px-3 text-sm text-zinc-900 placeholder-zinc-400 focus:(outline-none border-brand-500 ring-2 ring-brand-500/30) dark:(border-zinc-700 bg-zinc-950 text-zinc-100 placeholder-zinc-500)",
    "field-label": "block text-sm font-medium text-zinc-700 dark:text-zinc-300",
    "field-hint": "text-xs text-zinc-500 dark:text-zinc-400",
    badge: "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-[11px] font-medium leading-4",
    "badge-ok": "badge bg-emerald-100 text-emerald-800 dark:(bg-emerald-500/15 text-emerald-300)",
    "badge-bad": "badge bg-red-100 text-red-800 dark:(bg-red-500/15 text-red-300)",
    "badge-warn": "badge bg-amber-100 text-amber-800 dark:(bg-amber-500/15 text-amber-300)",
    "badge-muted": "badge bg-zinc-100 text-zinc-700 dark:(bg-zinc-800 text-zinc-300)",
    "badge-brand": "badge bg-brand-100 text-brand-800 dark:(bg-brand-500/20 text-brand-200)",
    muted: "text-zinc-500 dark:text-zinc-400",
    "section-title": "text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400",
    code: "rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800",
  },
});
