import presetIcons from "@unocss/preset-icons";
import presetWind3 from "@unocss/preset-wind3";
import transformerVariantGroup from "@unocss/transformer-variant-group";
import { defineConfig } from "@unocss/vite";

/**
 * Design tokens and component classes. Colours: zinc neutrals, an indigo brand, and semantic
 * ok / warn / bad. Dark mode follows the `dark` class on <html> (see src/lib/theme.ts).
 */
export default defineConfig({
  presets: [
    presetWind3({ dark: "class" }),
    presetIcons({ scale: 1.15, extraProperties: { display: "inline-block", "vertical-align": "middle", "flex-shrink": "0" } }),
  ],
  // `dark:(a b)` groups in class attributes.
  transformers: [transformerVariantGroup()],
  content: {
    // Class names also live in plain .ts modules (navigation, templates, status colours).
    pipeline: { include: [/\.(tsx?|html)($|\?)/] },
  },
  theme: {
    colors: {
      brand: {
        50: "#eef2ff",
        100: "#e0e7ff",
        200: "#c7d2fe",
        300: "#a5b4fc",
        400: "#818cf8",
        500: "#6366f1",
        600: "#4f46e5",
        700: "#4338ca",
        800: "#3730a3",
        900: "#312e81",
      },
    },
    fontFamily: {
      sans: 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
      mono: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    },
  },
  shortcuts: {
    card: "rounded-xl border border-zinc-200 bg-white shadow-sm dark:(border-zinc-800 bg-zinc-900 shadow-none)",
    "card-pad": "p-4 sm:p-5",
    btn: "inline-flex items-center justify-center gap-1.5 whitespace-nowrap rounded-lg px-3 h-9 text-sm font-medium transition-colors select-none cursor-pointer focus-visible:(outline-none ring-2 ring-brand-500/60 ring-offset-1 ring-offset-white dark:ring-offset-zinc-900) disabled:(opacity-50 cursor-not-allowed)",
    "btn-primary": "btn bg-brand-600 text-white hover:bg-brand-700 dark:(bg-brand-500 hover:bg-brand-400 text-white)",
    "btn-secondary": "btn border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:(border-zinc-700 bg-zinc-800 text-zinc-100 hover:bg-zinc-700)",
    "btn-ghost": "btn text-zinc-600 hover:(bg-zinc-100 text-zinc-900) dark:(text-zinc-300 hover:bg-zinc-800 hover:text-white)",
    "btn-danger": "btn bg-red-600 text-white hover:bg-red-700",
    "btn-sm": "h-8 px-2.5 text-xs",
    "btn-icon": "btn-ghost h-9 w-9 px-0",
    input:
      "h-9 w-full min-w-0 rounded-lg border border-zinc-300 bg-white px-3 text-sm text-zinc-900 placeholder-zinc-400 transition-colors focus:(outline-none border-brand-500 ring-2 ring-brand-500/30) disabled:(bg-zinc-100 text-zinc-500) dark:(border-zinc-700 bg-zinc-950 text-zinc-100 placeholder-zinc-500 disabled:bg-zinc-800)",
    "input-invalid": "border-red-500 focus:(border-red-500 ring-red-500/30)",
    textarea: "input h-auto py-2 leading-relaxed",
    "field-label": "block text-sm font-medium text-zinc-700 dark:text-zinc-300",
    "field-hint": "text-xs text-zinc-500 dark:text-zinc-400",
    "field-error": "text-xs text-red-600 dark:text-red-400",
    badge: "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium",
    "badge-ok": "badge bg-emerald-100 text-emerald-800 dark:(bg-emerald-500/15 text-emerald-300)",
    "badge-bad": "badge bg-red-100 text-red-800 dark:(bg-red-500/15 text-red-300)",
    "badge-warn": "badge bg-amber-100 text-amber-800 dark:(bg-amber-500/15 text-amber-300)",
    "badge-muted": "badge bg-zinc-100 text-zinc-700 dark:(bg-zinc-800 text-zinc-300)",
    "badge-brand": "badge bg-brand-100 text-brand-800 dark:(bg-brand-500/20 text-brand-200)",
    "badge-cache": "badge bg-sky-100 text-sky-800 dark:(bg-sky-500/15 text-sky-300)",
    muted: "text-zinc-500 dark:text-zinc-400",
    "page-title": "text-xl font-semibold tracking-tight text-zinc-900 dark:text-white",
    "section-title": "text-sm font-semibold text-zinc-900 dark:text-zinc-100",
    "table-base": "w-full text-sm border-collapse",
    th: "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400 whitespace-nowrap",
    td: "px-3 py-2.5 align-middle border-t border-zinc-100 dark:border-zinc-800",
    kbd: "rounded border border-zinc-300 bg-zinc-50 px-1 font-mono text-[11px] dark:(border-zinc-700 bg-zinc-800)",
    code: "rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800",
  },
});
