import { describe, expect, it } from "vitest";
import type { ConfigApplyResult } from "@llmio/contract";
import { changedItems } from "./config-transfer.ts";

describe("config apply plan", () => {
  it("lists the entries that change, not the unchanged ones", () => {
    const plan: ConfigApplyResult = {
      dryRun: true,
      changes: [
        { kind: "provider", name: "openai", action: "unchanged" },
        { kind: "model", name: "gpt-4o", action: "updated", fields: ["remark"] },
        { kind: "auth key", name: "ci", action: "created" },
      ],
      counts: { created: 1, updated: 1, unchanged: 1, deleted: 0 },
    };
    expect(changedItems(plan).map((change) => change.name)).toEqual(["gpt-4o", "ci"]);
  });
});
