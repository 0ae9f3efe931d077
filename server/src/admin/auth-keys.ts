import type { AuthKey } from "../db/schema.ts";
import type { ClientKeyChanges, ClientKeyInput, ClientKeys } from "../auth/client-keys.ts";
import { AdminError } from "../lib/admin-error.ts";
import { requireText } from "./fields.ts";
import { found, type Deleted } from "../db/rows.ts";

/** Whether a key can be used now, and if not, why. */
export type { AuthKeyStatus } from "@llmio/contract";
import type { AuthKeyStatus } from "@llmio/contract";

/** A client key as the admin API shows it: never the key itself nor its hash, only `keyHint`. */
export interface AuthKeyView extends Omit<AuthKey, "keyHash"> {
  status: AuthKeyStatus;
}

/** The answer to creating a key: the only time the full key is shown. */
export interface CreatedAuthKey extends AuthKeyView {
  key: string;
}

/** Client key administration: validation, 404s and views over `ClientKeys`. */
export class AuthKeyService {
  constructor(private readonly clientKeys: ClientKeys) {}

  async list(now = Date.now()): Promise<AuthKeyView[]> {
    return (await this.clientKeys.list()).map((row) => this.view(row, now));
  }

  async get(id: number, now = Date.now()): Promise<AuthKeyView> {
    return this.view(found(await this.clientKeys.get(id), "auth key", id), now);
  }

  async create(input: ClientKeyInput, now = Date.now()): Promise<CreatedAuthKey> {
    const { key, row } = await this.clientKeys.create(validated(input), now);
    return { ...this.view(row, now), key };
  }

  /** Omitted fields stay as they are; `resetUsage: true` zeroes the usage counters. */
  async update(id: number, changes: ClientKeyChanges, now = Date.now()): Promise<AuthKeyView> {
    const row = found(await this.clientKeys.update(id, validated(changes), now), "auth key", id);
    return this.view(row, now);
  }

  async remove(id: number): Promise<Deleted> {
    if (!(await this.clientKeys.remove(id))) found(undefined, "auth key", id);
    return { id, deleted: true };
  }

  private view(row: AuthKey, now: number): AuthKeyView {
    const { keyHash: _keyHash, ...shown } = row;
    return { ...shown, status: this.statusOf(row, now) };
  }

  private statusOf(key: AuthKey, now: number): AuthKeyStatus {
    if (!key.enabled) return "disabled";
    if (key.expiresAt !== null && key.expiresAt <= now) return "expired";
    return this.clientKeys.checkQuota({ kind: "client", key }) === undefined ? "active" : "quota_exhausted";
  }
}

function validated<Input extends ClientKeyChanges>(input: Input): Input {
  return {
    ...input,
    name: input.name === undefined ? undefined : requireText(input.name, "name"),
    allowedModels: input.allowedModels === undefined || input.allowedModels === null ? input.allowedModels : modelPatterns(input.allowedModels),
  };
}

/** Trimmed, without duplicates; an empty list is refused, as it would more likely be a mistake than a key for nothing. */
function modelPatterns(patterns: string[]): string[] {
  const trimmed = patterns.map((pattern, index) => requireText(pattern, `allowedModels/${index}`));
  if (trimmed.length === 0) throw new AdminError(400, "Invalid body: /allowedModels must list at least one model (null allows every model)");
  return [...new Set(trimmed)];
}
