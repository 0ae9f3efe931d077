import { For, type JSX, Show } from "solid-js";
import { relativeShare } from "../lib/dashboard.ts";

export interface RankColumn<Row> {
  header: string;
  cell: (row: Row) => JSX.Element;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Hidden on phones. */
  wide?: boolean;
}

/**
 * A ranking (busiest first): the first column carries a bar proportional to `measure`, the
 * others are plain cells. Empty rankings show `empty`.
 */
export function RankTable<Row>(props: { rows: Row[]; measure: (row: Row) => number; label: (row: Row) => JSX.Element; labelHeader: string; columns: RankColumn<Row>[]; empty: string; limit?: number }) {
  const rows = () => props.rows.slice(0, props.limit ?? 8);
  const values = () => rows().map(props.measure);
  return (
    <Show when={rows().length > 0} fallback={<p class="py-6 text-center text-sm muted">{props.empty}</p>}>
      <div class="-mx-1 overflow-x-auto">
        <table class="table-base">
          <thead>
            <tr>
              <th class="th pl-1">{props.labelHeader}</th>
              <For each={props.columns}>{(column) => <th class={`th ${column.numeric ? "text-right" : ""} ${column.wide ? "hidden sm:table-cell" : ""}`}>{column.header}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(row) => (
                <tr>
                  <td class="td pl-1 w-1/2 max-w-0">
                    <div class="relative">
                      <div class="absolute inset-y-[-4px] left-0 rounded bg-brand-500/10 dark:bg-brand-400/15" style={{ width: `${Math.max(relativeShare(props.measure(row), values()) * 100, 2)}%` }} />
                      <div class="relative truncate px-1.5 font-medium">{props.label(row)}</div>
                    </div>
                  </td>
                  <For each={props.columns}>
                    {(column) => <td class={`td tabular-nums ${column.numeric ? "text-right" : ""} ${column.wide ? "hidden sm:table-cell" : ""}`}>{column.cell(row)}</td>}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
