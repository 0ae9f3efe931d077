import { requestBodies } from "../db/schema.ts";
import type { AppDatabase } from "../db/client.ts";
import type { SettingsStore } from "./settings.ts";

/**
 * Keeps the request and response bodies of each call while body capture is on, cut to the
 * configured length. Off by default: bodies can hold anything users send to models.
 */
export class BodyCapture {
  constructor(
    private readonly db: AppDatabase,
    private readonly settings: SettingsStore,
  ) {}

  get enabled(): boolean {
    return this.settings.get().bodyCapture;
  }

  save(traceId: string, requestBody: string | undefined, responseBody: string | undefined): void {
    const max = this.settings.get().bodyCaptureMaxChars;
    this.db
      .insert(requestBodies)
      .values({ traceId, requestBody: cut(requestBody, max), responseBody: cut(responseBody, max), createdAt: Date.now() })
      .onConflictDoUpdate({ target: requestBodies.traceId, set: { responseBody: cut(responseBody, max) } })
      .run();
  }
}

function cut(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}
