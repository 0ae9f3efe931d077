/**
 * The contract stays the one description of the admin API: its row schemas list every column the
 * services return (an answer's fields outside its schema would be dropped by Elysia), and no file
 * of the UI or the extension declares its own copy of a contract type.
 */
import * as contract from "@llmio/contract";
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { getTableColumns } from "drizzle-orm";
import { resolve } from "node:path";
import type { TObject } from "@sinclair/typebox";
import { authKeys, modelProviders, models, providers, requestLogs, retentionRuns } from "../../db/schema.ts";

const keysOf = (schema: TObject) => Object.keys(schema.properties).sort();
const columnsOf = (table: Parameters<typeof getTableColumns>[0]) => Object.keys(getTableColumns(table));

describe("row schemas cover their tables", () => {
  const cases: Array<[string, TObject, string[]]> = [
    ["Provider", contract.Provider, [...columnsOf(providers), "keyCount"]],
    ["Model", contract.Model, [...columnsOf(models), "providerCount"]],
    ["Association", contract.Association, [...columnsOf(modelProviders), "providerName"]],
    ["AuthKey", contract.AuthKey, [...columnsOf(authKeys).filter((column) => column !== "keyHash"), "status"]],
    ["LogRow", contract.LogRow, columnsOf(requestLogs)],
    ["RetentionRun", contract.RetentionRun, columnsOf(retentionRuns)],
  ];
  for (const [name, schema, fields] of cases) {
    test(name, () => expect(keysOf(schema)).toEqual([...new Set(fields)].sort()));
  }
});

describe("no hand-copied API types", () => {
  const root = resolve(import.meta.dir, "../../../..");
  const contractNames = new Set(Object.keys(contract));
  // Same name, different thing: the extension's own options, not the gateway's settings.
  const unrelated = new Set(["extension/src/settings.ts: Settings"]);

  test("ui/src and extension/src declare no type named like a contract export", async () => {
    const copies: string[] = [];
    for (const folder of ["ui/src", "extension/src"]) {
      for await (const path of new Glob("**/*.{ts,tsx}").scan({ cwd: resolve(root, folder) })) {
        const text = await Bun.file(resolve(root, folder, path)).text();
        for (const match of text.matchAll(/^\s*(?:export\s+)?(?:interface|type)\s+([A-Z]\w*)/gm)) {
          if (contractNames.has(match[1]) && !unrelated.has(`${folder}/${path}: ${match[1]}`)) copies.push(`${folder}/${path}: ${match[1]}`);
        }
      }
    }
    expect(copies).toEqual([]);
  });
});
