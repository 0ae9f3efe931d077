/** An OpenAI-style item id (`resp_…`, `msg_…`, `fc_…`, `rs_…`): a prefix and 32 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Response ids keep the upstream's id, prefixed so Responses clients see the usual shape. */
export function responseIdOf(id: string | undefined): string {
  if (!id) return newId("resp");
  return id.startsWith("resp_") ? id : `resp_${id}`;
}
