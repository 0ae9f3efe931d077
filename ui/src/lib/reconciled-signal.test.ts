import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import { createReconciledSignal } from "./reconciled-signal.ts";

describe("createReconciledSignal", () => {
  it("a reload keeps the identity of items still there (by id) and updates their fields", () => {
    createRoot((dispose) => {
      const [list, setList] = createReconciledSignal<{ id: number; baseUrl: string }[] | undefined>(undefined);
      setList([{ id: 1, baseUrl: "http://a" }, { id: 2, baseUrl: "http://b" }]);
      const [first, second] = list()!;
      setList([{ id: 1, baseUrl: "http://a/v1" }, { id: 3, baseUrl: "http://c" }]);
      expect(list()![0]).toBe(first);
      expect(first.baseUrl).toBe("http://a/v1");
      expect(list()!.map((item) => item.id)).toEqual([1, 3]);
      expect(list()).not.toContain(second);
      // The updater form (resource `mutate`) sees plain values.
      setList((previous) => previous?.filter((item) => item.id !== 3));
      expect(list()!.map((item) => item.id)).toEqual([1]);
      dispose();
    });
  });
});
