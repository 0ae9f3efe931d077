/** A name pattern with `*` (any run of characters) and `?` (one character). */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

/** More literal characters = more specific; `claude-sonnet-*` beats `claude-*` beats `*`. */
export function specificity(pattern: string): number {
  return pattern.replace(/[*?]/g, "").length;
}

/**
 * Resolves a requested model name to a target: exact names and aliases first, then glob
 * patterns, most specific first (ties: the pattern added first).
 */
export class ModelMatcher<T> {
  private readonly exact = new Map<string, T>();
  private readonly globs: Array<{ pattern: string; regexp: RegExp; target: T }> = [];
  private sorted = true;

  add(name: string, target: T): void {
    if (!isGlob(name)) {
      if (!this.exact.has(name)) this.exact.set(name, target);
      return;
    }
    this.globs.push({ pattern: name, regexp: globToRegExp(name), target });
    this.sorted = false;
  }

  match(name: string): T | undefined {
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    if (!this.sorted) {
      this.globs.sort((a, b) => specificity(b.pattern) - specificity(a.pattern));
      this.sorted = true;
    }
    return this.globs.find((glob) => glob.regexp.test(name))?.target;
  }
}
