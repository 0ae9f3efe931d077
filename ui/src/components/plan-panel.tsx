import type { JSX } from "solid-js";

const TONES = {
  // Amber: a dry run, nothing written yet.
  preview: "space-y-3 rounded-lg border border-amber-300 bg-amber-50/60 p-3 dark:(border-amber-500/30 bg-amber-500/5)",
  // Green: what was written.
  applied: "space-y-2 rounded-lg border border-emerald-300 bg-emerald-50/60 p-3 dark:(border-emerald-500/30 bg-emerald-500/5)",
} as const;

/** The frame around a dry run's plan, or around what applying it did (announced as a status). */
export function PlanPanel(props: { tone: keyof typeof TONES; testId: string; children: JSX.Element }) {
  return (
    <div class={TONES[props.tone]} data-testid={props.testId} role={props.tone === "applied" ? "status" : undefined}>
      {props.children}
    </div>
  );
}
