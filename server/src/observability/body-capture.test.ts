import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { AppDatabase } from "../db/client.ts";
import type { AuthKey } from "../db/schema.ts";
import { openTestDatabase } from "../db/test-database.ts";
import { BodyCapture } from "./body-capture.ts";
import type { Principal } from "../auth/client-keys.ts";
import { SettingsStore } from "../routing/settings.ts";

function clientKey(captureBodies: boolean): Principal {
  return { kind: "client", key: { id: 1, name: "k", captureBodies } as AuthKey };
}

describe("BodyCapture.enabled", () => {
  let db: AppDatabase;
  let settings: SettingsStore;
  let capture: BodyCapture;
  beforeEach(async () => {
    db = await openTestDatabase();
    settings = new SettingsStore(db);
    capture = new BodyCapture(db, settings);
  });
  afterEach(() => db.close());

  test("with the global switch off, only a key that asks for it is captured", async () => {
    expect(await capture.enabled()).toBe(false);
    expect(await capture.enabled({ kind: "admin" })).toBe(false);
    expect(await capture.enabled(clientKey(false))).toBe(false);
    expect(await capture.enabled(clientKey(true))).toBe(true);
  });

  test("with the global switch on, every call is captured", async () => {
    await settings.update({ bodyCapture: true });
    expect(await capture.enabled()).toBe(true);
    expect(await capture.enabled({ kind: "admin" })).toBe(true);
    expect(await capture.enabled(clientKey(false))).toBe(true);
  });
});
