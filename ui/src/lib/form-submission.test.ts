import { createRoot, createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { createFormSubmission } from "./form-submission.ts";

const submitEvent = () => ({ preventDefault: vi.fn() }) as unknown as SubmitEvent;

describe("createFormSubmission", () => {
  it("an invalid submit shows the errors, tells onInvalid and saves nothing; errors then follow the fields", async () => {
    await createRoot(async (dispose) => {
      const [name, setName] = createSignal("");
      const save = vi.fn(async () => {});
      const onInvalid = vi.fn();
      const form = createFormSubmission<"name">({ validate: () => (name() ? {} : { name: "validation.required" }), save, onInvalid });
      expect(form.error("name")).toBeNull();
      await form.submit(submitEvent());
      expect(form.error("name")).toBe("Required.");
      expect(onInvalid).toHaveBeenCalledWith({ name: "validation.required" });
      expect(save).not.toHaveBeenCalled();
      setName("fixed");
      expect(form.error("name")).toBeNull();
      dispose();
    });
  });

  it("a valid submit saves with one timestamp; a failed save is kept, or handed to onFailure", async () => {
    await createRoot(async (dispose) => {
      const times: number[] = [];
      const failing = createFormSubmission<"name">({
        validate: (now) => (times.push(now), {}),
        save: async (now) => {
          times.push(now);
          throw new Error("HTTP 409: taken");
        },
      });
      await failing.submit(submitEvent());
      expect(times[0]).toBe(times[1]);
      expect((failing.failure() as Error).message).toBe("HTTP 409: taken");
      expect(failing.saving()).toBe(false);

      const onFailure = vi.fn();
      const handed = createFormSubmission<"name">({ validate: () => ({}), save: async () => Promise.reject(new Error("down")), onFailure });
      await handed.submit(submitEvent());
      expect(onFailure).toHaveBeenCalledWith(new Error("down"));
      expect(handed.failure()).toBeUndefined();
      dispose();
    });
  });
});
