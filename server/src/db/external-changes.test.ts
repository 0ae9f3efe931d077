import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./client.ts";
import { watchExternalChanges } from "./external-changes.ts";

test("sees commits of another connection, not its own", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "llmio-changes-")), "llmio.db");
  const db = openDatabase(path);
  const changed = watchExternalChanges(db, 0);
  expect(changed()).toBe(false);
  db.sqlite!.exec("INSERT INTO models (name) VALUES ('own')");
  expect(changed()).toBe(false);
  const other = new Database(path);
  other.exec("INSERT INTO models (name) VALUES ('other')");
  expect(changed()).toBe(true);
  expect(changed()).toBe(false);
  other.close();
  await db.close();
});
