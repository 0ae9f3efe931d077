import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { Modal } from "../components/modal.tsx";
import { Spinner } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import type { AssociationTestResult, TranscriptEntry } from "@llmio/contract";
import { applyToolEvent, type ToolTestStep } from "../lib/association-tests.ts";
import { formatDuration } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import type { Association } from "@llmio/contract";

/** A test's outcome in one line: pass/fail, latency, HTTP status, then the answer or the upstream's error. */
export function TestResultLine(props: { result: AssociationTestResult | "running"; showName?: boolean }) {
  return (
    <Show
      when={props.result !== "running" && props.result}
      fallback={
        <span class="inline-flex items-center gap-1.5 text-xs muted">
          <Spinner />
          {t("associationTest.running")}
        </span>
      }
    >
      {(result) => (
        <div class="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-xs" data-testid="association-test-result" data-ok={String(result().ok)}>
          <Show when={props.showName}>
            <span class="min-w-0 truncate">
              <span class="font-medium">{result().providerName}</span>
              <span class="muted"> · </span>
              <span class="font-mono">{result().providerModel}</span>
            </span>
          </Show>
          <span class={result().ok ? "badge-ok" : "badge-bad"}>
            <span class={result().ok ? "i-lucide-check" : "i-lucide-x"} />
            {result().ok ? t("associationTest.ok") : t("associationTest.failed")}
          </span>
          <span class="tabular-nums muted" title={t("associationTest.latency")}>
            {formatDuration(result().latencyMs)}
          </span>
          <span class="tabular-nums muted" title={t("associationTest.status")}>
            {result().status === null ? t("associationTest.noStatus") : `HTTP ${result().status}`}
          </span>
          <Show
            when={result().ok}
            fallback={
              <span class="min-w-0 break-words text-red-600 dark:text-red-400" data-testid="association-test-error">
                {result().error}
              </span>
            }
          >
            <span class="min-w-0 break-words font-mono" data-testid="association-test-answer">
              {result().answer || t("associationTest.emptyAnswer")}
            </span>
          </Show>
        </div>
      )}
    </Show>
  );
}

/** "Test all": every association's outcome, in the list's order. */
export function TestAllPanel(props: { results: AssociationTestResult[] | "running"; onClose: () => void }) {
  const summary = () => {
    if (props.results === "running") return "";
    const passed = props.results.filter((result) => result.ok).length;
    return t("associationTest.summary", { passed, total: props.results.length });
  };
  return (
    <div class="border-b border-zinc-100 bg-zinc-50/60 px-4 py-3 dark:(border-zinc-800 bg-zinc-800/30) sm:px-5" data-testid="test-all-panel">
      <div class="mb-2 flex items-center justify-between gap-2">
        <h4 class="text-sm font-medium">
          {t("associationTest.allTitle")}
          <Show when={summary()}>
            <span class="ml-2 text-xs font-normal muted" data-testid="test-all-summary">
              {summary()}
            </span>
          </Show>
        </h4>
        <button type="button" class="btn-icon h-7 w-7" onClick={() => props.onClose()} aria-label={t("common.close")} title={t("common.close")}>
          <span class="i-lucide-x" />
        </button>
      </div>
      <Show when={props.results !== "running" && props.results} fallback={<TestResultLine result="running" />}>
        {(results) => (
          <ul class="space-y-1.5">
            <For each={results()}>
              {(result) => (
                <li>
                  <TestResultLine result={result} showName />
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
    </div>
  );
}

/** The tool-call test of one association: its steps as they stream in, then pass/fail and the conversation. */
export function ToolCallTestModal(props: { association: Association; onClose: () => void }) {
  const [steps, setSteps] = createSignal<ToolTestStep[]>([]);
  const [result, setResult] = createSignal<{ ok: boolean; detail: string; transcript: TranscriptEntry[] }>();
  const [failure, setFailure] = createSignal<string>();
  const controller = new AbortController();
  onCleanup(() => controller.abort());

  onMount(async () => {
    try {
      for await (const event of api.toolCallTest(props.association.id, controller.signal)) {
        setSteps((current) => applyToolEvent(current, event));
        if (event.type === "result") setResult({ ok: event.ok, detail: event.detail, transcript: event.transcript });
      }
    } catch (error) {
      if ((error as Error)?.name !== "AbortError") setFailure((error as Error).message);
    }
  });

  return (
    <Modal
      title={t("toolTest.title", { name: `${props.association.providerName} · ${props.association.providerModel}` })}
      onClose={props.onClose}
      size="lg"
      footer={
        <button type="button" class="btn-secondary" onClick={() => props.onClose()}>
          {t("common.close")}
        </button>
      }
    >
      <div class="space-y-4" data-testid="tool-test-dialog">
        <p class="text-sm muted">{t("toolTest.intro")}</p>
        <ol class="space-y-2">
          <For each={steps()}>
            {(step) => (
              <li class="flex gap-2.5 text-sm" data-testid="tool-test-step" data-state={step.state}>
                <span class="mt-0.5 shrink-0">
                  <Show when={step.state !== "running"} fallback={<Spinner class="text-brand-500" />}>
                    <span class={step.state === "passed" ? "i-lucide-circle-check text-emerald-600" : "i-lucide-circle-x text-red-600"} />
                  </Show>
                </span>
                <div class="min-w-0 flex-1">
                  <div class="font-medium">
                    {t("toolTest.step", { step: step.step })} · {step.title}
                  </div>
                  <Show when={step.state !== "running"}>
                    <div class="mt-0.5 flex flex-wrap gap-x-2 text-xs muted">
                      <span class="tabular-nums">{formatDuration(step.latencyMs ?? 0)}</span>
                      <span class="tabular-nums">{step.status === null || step.status === undefined ? t("associationTest.noStatus") : `HTTP ${step.status}`}</span>
                      <span class={`break-words ${step.state === "failed" ? "text-red-600 dark:text-red-400" : ""}`}>{step.detail}</span>
                    </div>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ol>
        <Show when={failure()}>
          <p class="text-sm text-red-600 dark:text-red-400">{failure()}</p>
        </Show>
        <Show when={result()}>
          {(final) => (
            <>
              <div class={`rounded-lg px-3 py-2 text-sm ${final().ok ? "bg-emerald-50 text-emerald-900 dark:(bg-emerald-500/10 text-emerald-200)" : "bg-red-50 text-red-900 dark:(bg-red-500/10 text-red-200)"}`} data-testid="tool-test-verdict" data-ok={String(final().ok)}>
                <span class={`mr-1.5 ${final().ok ? "i-lucide-circle-check" : "i-lucide-circle-x"}`} />
                <span class="font-semibold">{final().ok ? t("toolTest.passed") : t("toolTest.failed")}</span>
                <span class="ml-1.5 break-words">{final().detail}</span>
              </div>
              <div>
                <h4 class="mb-1.5 text-xs font-medium uppercase tracking-wide muted">{t("toolTest.transcript")}</h4>
                <ol class="space-y-1.5" data-testid="tool-test-transcript">
                  <For each={final().transcript}>
                    {(entry) => (
                      <li class="rounded-md border border-zinc-200 px-2.5 py-1.5 text-xs dark:border-zinc-700">
                        <span class="mr-2 font-semibold">{t(`toolTest.role.${entry.role}`)}</span>
                        <Show when={entry.text}>
                          <span class="break-words">{entry.text}</span>
                        </Show>
                        <For each={entry.toolCalls ?? []}>
                          {(call) => (
                            <code class="ml-1 break-all rounded bg-zinc-100 px-1 py-0.5 dark:bg-zinc-800">
                              {call.name}({call.arguments})
                            </code>
                          )}
                        </For>
                      </li>
                    )}
                  </For>
                </ol>
              </div>
            </>
          )}
        </Show>
      </div>
    </Modal>
  );
}
