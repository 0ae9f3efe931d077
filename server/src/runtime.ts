/**
 * True inside a `bun build --compile` executable. `import.meta.dir` is no guide there (a
 * minified build keeps the source path), but the entry point lives in Bun's virtual file
 * system: `/$bunfs/root/…` (`B:/~BUN/root/…` on Windows).
 */
export const isCompiled = Bun.main.startsWith("/$bunfs") || Bun.main.includes("~BUN");
