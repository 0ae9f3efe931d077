import type { AppDatabase } from "../db/client.ts";
import type { Principal } from "../auth/client-keys.ts";
import type { SettingsStore } from "../routing/settings.ts";

/**
 * Keeps the request and response bodies of each call while body capture is on, cut to the
 * configured length. Off by default: bodies can hold anything users send to models.
 */
export class BodyCapture {
  constructor(
    private readonly db: AppDatabase,
    private readonly settings: SettingsStore,
  ) {}

  /** On for every call while the global switch is on; otherwise for the calls of client keys that ask for it. */
  async enabled(principal?: Principal): Promise<boolean> {
    if (principal?.kind === "client" && principal.key.captureBodies) return true;
    return (await this.settings.get()).bodyCapture;
  }

  async save(traceId: string, requestBody: string | undefined, responseBody: string | undefined): Promise<void> {
    const max = (await this.settings.get()).bodyCaptureMaxChars;
    const { requestBodies } = this.db.tables;
    await this.db.orm
      .insert(requestBodies)
      .values({ traceId, requestBody: cut(requestBody, max), responseBody: cut(responseBody, max), createdAt: Date.now() })
      .onConflictDoUpdate({ target: requestBodies.traceId, set: { responseBody: cut(responseBody, max) } });
  }
}

function cut(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}
