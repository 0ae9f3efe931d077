import { globToRegExp, isGlob } from "../balancer/model-matcher.ts";
import type { AuthKey } from "../db/schema.ts";

/** Who is calling: the admin TOKEN (full access) or a client API key. */
export type Principal = { kind: "admin" } | { kind: "client"; key: AuthKey };

/** Whether the caller may use a model, by its public name or the name it was requested by. */
export function canUseModel(principal: Principal, publicName: string, requestedName: string): boolean {
  if (principal.kind === "admin" || !principal.key.allowedModels) return true;
  return principal.key.allowedModels.some((allowed) =>
    isGlob(allowed) ? globToRegExp(allowed).test(publicName) || globToRegExp(allowed).test(requestedName) : allowed === publicName || allowed === requestedName,
  );
}
