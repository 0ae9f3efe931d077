import { cleanup, fireEvent, render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CopyButton } from "./copy-button.tsx";
import { Toggle } from "./fields.tsx";
import { Segmented } from "./segmented.tsx";
import { SortableList } from "./sortable-list.tsx";
import { StatusBar } from "./status-bar.tsx";

afterEach(cleanup);

describe("StatusBar", () => {
  it("pads to the slot count with the newest outcome on the right", () => {
    const { container } = render(() => <StatusBar outcomes={[true, false, true]} slots={5} />);
    const ticks = [...container.querySelectorAll("[data-outcome]")].map((tick) => tick.getAttribute("data-outcome"));
    expect(ticks).toEqual(["none", "none", "ok", "error", "ok"]);
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe("2 of the last 3 requests succeeded (67%)");
  });

  it("keeps only the newest outcomes when there are more than slots", () => {
    const { container } = render(() => <StatusBar outcomes={[false, false, true, true]} slots={2} />);
    expect(container.querySelectorAll("[data-outcome]").length).toBe(4);
  });

  it("says when there was no traffic", () => {
    render(() => <StatusBar outcomes={[]} />);
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe("No recent requests");
  });
});

describe("Toggle", () => {
  it("is a switch that flips on click and reports its state", async () => {
    const onChange = vi.fn();
    const [checked, setChecked] = createSignal(false);
    render(() => (
      <Toggle
        checked={checked()}
        onChange={(value) => {
          onChange(value);
          setChecked(value);
        }}
        label="Body capture"
      />
    ));
    const toggle = screen.getByRole("switch");
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    fireEvent.click(toggle);
    expect(onChange).toHaveBeenCalledWith(true);
    expect(toggle.getAttribute("aria-checked")).toBe("true");
  });
});

describe("Segmented", () => {
  it("selects with arrow keys", () => {
    const [value, setValue] = createSignal<"a" | "b" | "c">("a");
    render(() => (
      <Segmented
        ariaLabel="range"
        value={value()}
        onChange={setValue}
        options={[
          { value: "a", label: "A" },
          { value: "b", label: "B" },
          { value: "c", label: "C" },
        ]}
      />
    ));
    fireEvent.keyDown(screen.getByRole("radio", { name: "A" }), { key: "ArrowLeft" });
    expect(value()).toBe("c");
    fireEvent.keyDown(screen.getByRole("radio", { name: "C" }), { key: "ArrowRight" });
    expect(value()).toBe("a");
    expect(screen.getByRole("radio", { name: "A" }).getAttribute("aria-checked")).toBe("true");
  });
});

describe("SortableList", () => {
  it("moves an item with the arrow keys on its handle", () => {
    const onReorder = vi.fn();
    render(() => (
      <SortableList items={[{ id: 1 }, { id: 2 }, { id: 3 }]} id={(item) => item.id} handleLabel={(item) => `move ${item.id}`} onReorder={onReorder}>
        {(item, handle) => (
          <li>
            <button type="button" {...handle} />
            {item.id}
          </li>
        )}
      </SortableList>
    ));
    fireEvent.keyDown(screen.getByRole("button", { name: "move 1" }), { key: "ArrowDown" });
    expect(onReorder).toHaveBeenCalledWith([{ id: 2 }, { id: 1 }, { id: 3 }]);
    onReorder.mockClear();
    fireEvent.keyDown(screen.getByRole("button", { name: "move 1" }), { key: "ArrowUp" });
    expect(onReorder).not.toHaveBeenCalled();
  });
});

describe("CopyButton", () => {
  it("copies the text and says so", async () => {
    const execCommand = vi.fn(() => true);
    Object.defineProperty(document, "execCommand", { value: execCommand, configurable: true });
    render(() => <CopyButton text="secret-key" label="Copy" />);
    fireEvent.click(screen.getByRole("button"));
    await vi.waitFor(() => expect(screen.getByRole("button").getAttribute("data-copy-state")).toBe("copied"));
    expect(execCommand).toHaveBeenCalledWith("copy");
  });
});
