import { createSignal, For, type JSX } from "solid-js";
import { dropIndex, moveItem, orderChanged } from "../lib/reorder.ts";

/** Spread onto the drag handle: pointer drag (mouse and touch) and arrow keys. */
export interface HandleProps {
  onPointerDown: (event: PointerEvent) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  "aria-label": string;
  "data-drag-handle": true;
  style: JSX.CSSProperties;
}

export interface SortableListProps<Item> {
  items: Item[];
  id: (item: Item) => number;
  /** The handle's accessible name for an item. */
  handleLabel: (item: Item) => string;
  /** The new order, after a drop or an arrow key on a handle. */
  onReorder: (items: Item[]) => void;
  children: (item: Item, handle: HandleProps, dragging: () => boolean) => JSX.Element;
  class?: string;
}

/**
 * A vertical list reordered by dragging a handle (pointer events, so touch works) or by
 * focusing the handle and pressing ↑/↓. The list shows the new order while dragging.
 */
export function SortableList<Item>(props: SortableListProps<Item>) {
  let container: HTMLUListElement | undefined;
  const [preview, setPreview] = createSignal<Item[] | undefined>();
  const [draggingId, setDraggingId] = createSignal<number | undefined>();
  const shown = () => preview() ?? props.items;

  const startDrag = (item: Item, event: PointerEvent) => {
    if (event.button !== 0 || !container) return;
    event.preventDefault();
    const rows = [...container.children].map((row) => row.getBoundingClientRect()).map((rect) => ({ top: rect.top, height: rect.height }));
    const from = props.items.findIndex((candidate) => props.id(candidate) === props.id(item));
    setDraggingId(props.id(item));
    setPreview(props.items);
    const move = (moveEvent: PointerEvent) => setPreview(moveItem(props.items, from, dropIndex(moveEvent.clientY, rows)));
    const end = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", end);
      window.removeEventListener("pointercancel", end);
      const result = preview();
      setPreview(undefined);
      setDraggingId(undefined);
      if (result && orderChanged(props.items.map(props.id), result.map(props.id))) props.onReorder(result);
    };
    // On window, not the handle: the handle's row moves in the DOM while dragging, which would drop a pointer capture.
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", end);
    window.addEventListener("pointercancel", end);
  };

  const keyMove = (item: Item, event: KeyboardEvent) => {
    const step = event.key === "ArrowUp" ? -1 : event.key === "ArrowDown" ? 1 : 0;
    if (!step) return;
    event.preventDefault();
    const from = props.items.findIndex((candidate) => props.id(candidate) === props.id(item));
    const to = from + step;
    if (to < 0 || to >= props.items.length) return;
    props.onReorder(moveItem(props.items, from, to));
    const handle = event.currentTarget as HTMLElement;
    queueMicrotask(() => handle.focus());
  };

  return (
    <ul ref={container} class={props.class}>
      <For each={shown()}>
        {(item) =>
          props.children(
            item,
            {
              onPointerDown: (event) => startDrag(item, event),
              onKeyDown: (event) => keyMove(item, event),
              "aria-label": props.handleLabel(item),
              "data-drag-handle": true,
              style: { "touch-action": "none", cursor: "grab" },
            },
            () => draggingId() === props.id(item),
          )
        }
      </For>
    </ul>
  );
}
