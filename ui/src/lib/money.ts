import { formatCost } from "./format.ts";
import type { Costs, Currency } from "@llmio/contract";

const SYMBOLS: Record<Currency, string> = { USD: "$", CNY: "¥" };

/** "$0.0123", "¥1.5": an amount with its currency's sign. */
export function formatMoney(value: number | null | undefined, currency: Currency | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${SYMBOLS[currency ?? "USD"]}${formatCost(value)}`;
}

/** One line per currency spent ("$1.2", "¥30"); ["0"] when nothing was. Amounts in different currencies are never added. */
export function costLines(costs: Costs | undefined): string[] {
  if (!costs) return ["—"];
  const spent = (Object.keys(SYMBOLS) as Currency[]).filter((currency) => (costs[currency] ?? 0) !== 0);
  return spent.length === 0 ? ["0"] : spent.map((currency) => formatMoney(costs[currency], currency));
}

/** Each currency spent on one line, "$1.2 · ¥30". */
export function formatCosts(costs: Costs | undefined): string {
  return costLines(costs).join(" · ");
}
