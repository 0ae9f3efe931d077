/** Anthropic message ids look like `msg_…`; foreign ids are prefixed, fresh ones generated. */
export function messageId(id: string | undefined): string {
  if (!id) return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  return id.startsWith("msg_") ? id : `msg_${id}`;
}
