import { describe, expect, it } from "vitest";
import { dsnProblem, groupImportItems, importRequest, reusableUpload, sinceDaysProblem, UPLOAD_REUSE_MS, writesAnything } from "./llmio-import.ts";
import type { ImportItem, ImportReport } from "@llmio/contract";

const report = (overrides: Partial<ImportReport> = {}): ImportReport => ({
  source: "sqlite llmio.db",
  variant: "llmio",
  dryRun: true,
  replace: false,
  tables: [],
  items: [],
  totals: { created: 0, updated: 0, unchanged: 0, conflict: 0, skipped: 0 },
  logs: null,
  decisions: [],
  noEquivalent: [],
  warnings: [],
  ...overrides,
});

describe("importRequest", () => {
  it("names the upload or the URL, and sends the days only with the logs", () => {
    expect(importRequest({ upload: "u1" }, { replace: true, withLogs: false, sinceDays: 30 }, true)).toEqual({ upload: "u1", dryRun: true, replace: true, withLogs: false, sinceDays: null });
    expect(importRequest({ dsn: "postgres://db/llmio" }, { replace: false, withLogs: true, sinceDays: 7 }, false)).toEqual({
      dsn: "postgres://db/llmio",
      dryRun: false,
      replace: false,
      withLogs: true,
      sinceDays: 7,
    });
  });
});

describe("input checks", () => {
  it("accepts postgres and mysql URLs only", () => {
    expect(dsnProblem("")).toBe("validation.required");
    expect(dsnProblem("  postgres://llmio:pw@db.lan:5432/llmio ")).toBeNull();
    expect(dsnProblem("postgresql://db/llmio")).toBeNull();
    expect(dsnProblem("mysql://root@127.0.0.1:3306/llmio")).toBeNull();
    expect(dsnProblem("root:pw@tcp(127.0.0.1:3306)/llmio")).toBe("settings.llmio.dsnInvalid");
    expect(dsnProblem("sqlite:///srv/llmio.db")).toBe("settings.llmio.dsnInvalid");
  });

  it("days: empty means all; otherwise a whole number of at least 1, and only checked with logs", () => {
    expect(sinceDaysProblem({ replace: false, withLogs: true, sinceDays: null })).toBeNull();
    expect(sinceDaysProblem({ replace: false, withLogs: true, sinceDays: 14 })).toBeNull();
    expect(sinceDaysProblem({ replace: false, withLogs: true, sinceDays: 0 })).toBe("validation.positiveInteger");
    expect(sinceDaysProblem({ replace: false, withLogs: true, sinceDays: 1.5 })).toBe("validation.positiveInteger");
    expect(sinceDaysProblem({ replace: false, withLogs: false, sinceDays: 0 })).toBeNull();
  });
});

describe("groupImportItems", () => {
  const items: ImportItem[] = [
    { kind: "model", name: "gpt-4o", action: "created" },
    { kind: "provider", name: "openai", action: "unchanged" },
    { kind: "provider", name: "anthropic", action: "created" },
    { kind: "provider", name: "azure", action: "conflict", detail: "baseUrl differs" },
    { kind: "association", name: "gpt-4o → openai/gpt-4o", action: "created" },
    { kind: "client key", name: "laptop (sk-llmio-ab…yz)", action: "skipped", detail: "expired" },
    { kind: "setting", name: "logRetentionDays", action: "unchanged" },
  ];

  it("orders the kinds as they depend on each other, conflicts and skipped rows first in each", () => {
    const groups = groupImportItems(items, true);
    expect(groups.map((group) => group.kind)).toEqual(["provider", "model", "association", "client key", "setting"]);
    expect(groups[0].items.map((item) => item.name)).toEqual(["azure", "openai", "anthropic"]);
    expect(groups[0].counts).toEqual({ created: 1, updated: 0, unchanged: 1, conflict: 1, skipped: 0 });
  });

  it("hides the unchanged entries unless asked, but still counts them and keeps their kind", () => {
    const groups = groupImportItems(items, false);
    expect(groups[0].items.map((item) => item.name)).toEqual(["azure", "anthropic"]);
    expect(groups[0].counts.unchanged).toBe(1);
    const settings = groups.find((group) => group.kind === "setting")!;
    expect(settings.items).toEqual([]);
    expect(settings.counts.unchanged).toBe(1);
  });

  it("leaves out kinds with no items, and shows a kind it does not know after the others", () => {
    const unknown = { kind: "price", name: "gpt-4o", action: "created" } as unknown as ImportItem;
    const groups = groupImportItems([unknown, { kind: "model", name: "m", action: "created" }], false);
    expect(groups.map((group) => String(group.kind))).toEqual(["model", "price"]);
  });
});

describe("writesAnything", () => {
  it("is true for new or changed entries, or history rows to write; not for conflicts, skipped rows or unchanged ones", () => {
    expect(writesAnything(report({ totals: { created: 0, updated: 0, unchanged: 5, conflict: 1, skipped: 2 } }))).toBe(false);
    expect(writesAnything(report({ totals: { created: 1, updated: 0, unchanged: 0, conflict: 0, skipped: 0 } }))).toBe(true);
    expect(writesAnything(report({ totals: { created: 0, updated: 1, unchanged: 0, conflict: 0, skipped: 0 } }))).toBe(true);
    expect(writesAnything(report({ logs: { read: 10, created: 0, alreadyPresent: 10, beyondRetention: 0, bodies: 0 } }))).toBe(false);
    expect(writesAnything(report({ logs: { read: 10, created: 3, alreadyPresent: 7, beyondRetention: 0, bodies: 1 } }))).toBe(true);
  });
});

describe("reusableUpload", () => {
  it("names the earlier upload of the same file until shortly before the server drops it", () => {
    const file = new Blob(["SQLite format 3"]);
    const other = new Blob(["SQLite format 3"]);
    const earlier = { file, upload: "u1", at: 1_000 };
    expect(reusableUpload(earlier, file, 1_000 + 60_000)).toBe("u1");
    expect(reusableUpload(earlier, other, 1_000 + 60_000)).toBeUndefined();
    expect(reusableUpload(earlier, file, 1_000 + UPLOAD_REUSE_MS + 1)).toBeUndefined();
    expect(reusableUpload(undefined, file)).toBeUndefined();
    expect(UPLOAD_REUSE_MS).toBeLessThan(60 * 60_000);
  });
});
