/** The wordmark: a rounded square with the product name. */
export function Logo() {
  return (
    <span class="flex items-center gap-2 font-semibold tracking-tight text-zinc-900 dark:text-white">
      <span class="grid h-7 w-7 place-items-center rounded-lg bg-gradient-to-br from-brand-500 to-violet-600 text-white shadow-sm">
        <span class="i-lucide-waypoints text-sm" />
      </span>
      <span class="text-[15px]">llmio</span>
    </span>
  );
}
