import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import { createLocalLoad } from "./local-load.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createLocalLoad", () => {
  it("loads, keeps a failure as a value (reads never throw), and loads again on reload", async () => {
    let fail = true;
    const load = createRoot(() => createLocalLoad(async () => (fail ? Promise.reject(new Error("HTTP 401")) : ["fake-model"])));
    expect(load.loading()).toBe(true);
    await settle();
    expect(load.loading()).toBe(false);
    expect(load.value()).toBeUndefined();
    expect((load.error() as Error).message).toBe("HTTP 401");
    fail = false;
    await load.reload();
    expect(load.error()).toBeUndefined();
    expect(load.value()).toEqual(["fake-model"]);
  });

  it("a slower earlier load never overwrites a later one", async () => {
    const answers: Array<(value: string) => void> = [];
    const load = createRoot(() => createLocalLoad(() => new Promise<string>((resolve) => answers.push(resolve))));
    const second = load.reload();
    answers[1]("second");
    await second;
    answers[0]("first");
    await settle();
    expect(load.value()).toBe("second");
  });
});
