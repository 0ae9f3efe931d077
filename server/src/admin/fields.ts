import { AdminError } from "../lib/admin-error.ts";

/** The trimmed value, or a 400 naming the field when it is empty. */
export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new AdminError(400, `Invalid body: /${field} must not be empty`);
  return trimmed;
}

/** The trimmed value, or a 400 naming the field unless it is an absolute http(s) URL. */
export function requireHttpUrl(value: string, field: string): string {
  const trimmed = value.trim();
  const protocol = URL.parse(trimmed)?.protocol;
  if (protocol !== "http:" && protocol !== "https:") {
    throw new AdminError(400, `Invalid body: /${field} must be an http(s) URL`);
  }
  return trimmed;
}
