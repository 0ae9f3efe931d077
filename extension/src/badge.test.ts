import { describe, expect, test } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { showBadge } from "./badge.ts";

describe("badge painting", () => {
  test("text, colour and tooltip reach the toolbar button", async () => {
    fakeBrowser.reset();
    await showBadge({ text: "2", color: "#d97706", title: "llmio: 2 providers failing" });
    expect(await fakeBrowser.action.getBadgeText({})).toBe("2");
    expect(await fakeBrowser.action.getTitle({})).toBe("llmio: 2 providers failing");
  });
});
