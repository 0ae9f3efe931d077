import type { CanonicalRequest, JsonValue } from "../../core/canonical.ts";

/**
 * Codex declares tools inside `namespace` groups (`{type:"namespace", name:"clock",
 * tools:[…]}`) and the model's calls name both (`{name:"sleep", namespace:"clock"}`).
 * Other wires only know flat names, so a namespaced tool gets a canonical name — its own
 * name when that is unique, else `<namespace>__<name>` — and the request remembers the
 * mapping in `extras[TOOL_NAMESPACES_EXTRA]` so calls can be answered in the client's terms.
 */
export const TOOL_NAMESPACES_EXTRA = "tool_namespaces";

export interface WireToolName {
  name: string;
  namespace?: string;
}

/** Canonical name for a tool declared in `namespace`, given every declared tool name. */
export function canonicalToolName(name: string, namespace: string | undefined, collides: (name: string) => boolean): string {
  if (namespace === undefined || namespace === "" || !collides(name)) return name;
  return `${namespace}__${name}`;
}

/** The mapping as stored in extras: canonical name → { namespace, name }. */
export function namespacesExtra(mapping: ReadonlyMap<string, WireToolName>): JsonValue {
  const extra: Record<string, JsonValue> = {};
  for (const [canonical, wire] of mapping) extra[canonical] = { name: wire.name, namespace: wire.namespace ?? null };
  return extra;
}

/** Turns a canonical tool name back into the client's name and namespace. */
export function wireToolName(request: Pick<CanonicalRequest, "extras"> | undefined, canonical: string): WireToolName {
  const extra = request?.extras?.[TOOL_NAMESPACES_EXTRA];
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    const entry = extra[canonical];
    if (entry && typeof entry === "object" && !Array.isArray(entry) && typeof entry.name === "string") {
      return typeof entry.namespace === "string" ? { name: entry.name, namespace: entry.namespace } : { name: entry.name };
    }
  }
  return { name: canonical };
}
