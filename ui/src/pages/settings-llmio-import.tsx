import { createSignal, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { CopyButton } from "../components/copy-button.tsx";
import { FieldSet, NumberField, TextField, Toggle } from "../components/fields.tsx";
import { PlanPanel } from "../components/plan-panel.tsx";
import { Segmented } from "../components/segmented.tsx";
import { ErrorBox, Spinner } from "../components/states.tsx";
import { toast } from "../components/toast.tsx";
import { ApiError } from "../lib/api-client.ts";
import { formatBytes, formatPercent } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import {
  dsnProblem,
  importRequest,
  type LlmioImportChoices,
  type LlmioSource,
  reusableUpload,
  runLlmioImport,
  sinceDaysProblem,
  type UploadedFile,
  uploadLlmioDatabase,
  writesAnything,
} from "../lib/llmio-import.ts";
import type { ImportReport } from "@llmio/contract";
import { ImportReportView, ImportTotals } from "./settings-llmio-report.tsx";

type SourceKind = "file" | "dsn";
type Busy = "upload" | "check" | "import";

const CLI_COMMAND = "llmio import-llmio <path>";

/** A dry run's report with the source and choices it was made with: Import repeats exactly those. */
interface Checked {
  source: LlmioSource;
  choices: LlmioImportChoices;
  report: ImportReport;
}

/**
 * Settings → Import from LLMIO, like `llmio import-llmio`: the LLMIO SQLite file (uploaded) or the
 * fork's database URL, checked first (a dry run whose report lists every entry), then imported.
 */
export function LlmioImportSection(props: { onApplied?: () => void }) {
  const [sourceKind, setSourceKind] = createSignal<SourceKind>("file");
  const [file, setFile] = createSignal<File | undefined>();
  const [dsn, setDsn] = createSignal("");
  const [choices, setChoices] = createStore<LlmioImportChoices>({ replace: false, withLogs: false, sinceDays: null });
  const [attempted, setAttempted] = createSignal(false);
  const [busy, setBusy] = createSignal<Busy | undefined>();
  const [progress, setProgress] = createSignal(0);
  const [checked, setChecked] = createSignal<Checked | undefined>();
  const [applied, setApplied] = createSignal<ImportReport | undefined>();
  const [failure, setFailure] = createSignal<unknown>();
  const [showUnchanged, setShowUnchanged] = createSignal(false);
  // The last upload, named again while it is the same file and the server still keeps it.
  let lastUpload: UploadedFile | undefined;
  // Bumped by every change of source or choices: a check that ends after one is dropped.
  let inputsVersion = 0;
  let fileInput: HTMLInputElement | undefined;

  // A report made with other inputs would mislead: any change asks for a new check.
  const changed = () => {
    inputsVersion += 1;
    setChecked(undefined);
    setApplied(undefined);
    setFailure(undefined);
  };
  const choose = <Key extends keyof LlmioImportChoices>(key: Key, value: LlmioImportChoices[Key]) => {
    setChoices(key, value);
    changed();
  };

  const dsnError = () => (attempted() && sourceKind() === "dsn" ? dsnProblem(dsn()) : null);
  const daysError = () => sinceDaysProblem(choices);
  const ready = () => (sourceKind() === "file" ? file() !== undefined : dsnProblem(dsn()) === null) && daysError() === null;

  const pickFile = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const picked = input.files?.[0];
    // The same file may be chosen again after LLMIO wrote to it.
    input.value = "";
    if (!picked) return;
    setFile(picked);
    lastUpload = undefined;
    changed();
  };

  /** The source as the import names it: the file is uploaded first (once), a URL goes as it is. */
  const resolveSource = async (): Promise<LlmioSource> => {
    if (sourceKind() === "dsn") return { dsn: dsn().trim() };
    const chosen = file()!;
    const earlier = reusableUpload(lastUpload, chosen);
    if (earlier) return { upload: earlier };
    setBusy("upload");
    setProgress(0);
    const { upload } = await uploadLlmioDatabase(chosen, setProgress);
    lastUpload = { file: chosen, upload, at: Date.now() };
    return { upload };
  };

  const check = async () => {
    if (busy()) return;
    setAttempted(true);
    if (!ready()) return;
    setBusy("check");
    changed();
    const version = inputsVersion;
    const snapshot = { ...choices };
    const dryRun = async (source: LlmioSource) => {
      setBusy("check");
      return runLlmioImport(importRequest(source, snapshot, true));
    };
    try {
      let source = await resolveSource();
      let report: ImportReport;
      try {
        report = await dryRun(source);
      } catch (caught) {
        // The server no longer has the upload named again (restarted, or kept past its hour): send the file once more.
        if (!(caught instanceof ApiError && caught.status === 404 && lastUpload !== undefined)) throw caught;
        lastUpload = undefined;
        source = await resolveSource();
        report = await dryRun(source);
      }
      if (version === inputsVersion) setChecked({ source, choices: snapshot, report });
    } catch (caught) {
      if (version === inputsVersion) setFailure(caught);
    } finally {
      setBusy(undefined);
    }
  };

  const runImport = async () => {
    const current = checked();
    if (!current || busy()) return;
    setBusy("import");
    setFailure(undefined);
    try {
      const report = await runLlmioImport(importRequest(current.source, current.choices, false));
      // The server drops an upload once imported: the next check uploads the file again.
      if ("upload" in current.source) lastUpload = undefined;
      setChecked(undefined);
      setApplied(report);
      toast(t("settings.llmio.imported"));
      props.onApplied?.();
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(undefined);
    }
  };

  const busyText = () => {
    const state = busy();
    if (state === "upload") return t("settings.llmio.uploading", { percent: formatPercent(progress(), 0) });
    if (state === "check") return t("settings.llmio.checking");
    if (state === "import") return t("settings.llmio.importing");
    return "";
  };

  const unchangedToggle = (report: ImportReport) => (
    <Show when={report.totals.unchanged > 0}>
      <button type="button" class="btn-ghost btn-sm mr-auto" onClick={() => setShowUnchanged(!showUnchanged())} data-testid="llmio-show-unchanged">
        {showUnchanged() ? t("settings.config.hideUnchanged") : t("settings.config.showUnchanged", { count: report.totals.unchanged })}
      </button>
    </Show>
  );

  return (
    <section class="card card-pad" data-testid="llmio-import">
      {/* min-w-0: a fieldset is at least as wide as its widest table otherwise, wider than a phone. */}
      <FieldSet class="min-w-0" legend={t("settings.llmio")} hint={t("settings.hint.llmio")}>
        <div class="space-y-1.5">
          <p class="field-label">{t("settings.llmio.source")}</p>
          <Segmented
            value={sourceKind()}
            onChange={(value) => {
              setSourceKind(value);
              changed();
            }}
            ariaLabel={t("settings.llmio.source")}
            options={[
              { value: "file", label: t("settings.llmio.source.file") },
              { value: "dsn", label: t("settings.llmio.source.dsn") },
            ]}
          />
        </div>

        <Show
          when={sourceKind() === "file"}
          fallback={
            <TextField
              label={t("settings.llmio.dsn")}
              value={dsn()}
              onValue={(value) => {
                setDsn(value);
                changed();
              }}
              placeholder="postgres://llmio:password@db.lan:5432/llmio"
              autocomplete="off"
              spellcheck={false}
              inputClass="font-mono text-xs"
              hint={t("settings.llmio.hint.dsn")}
              error={dsnError() ? t(dsnError()!) : null}
              data-testid="llmio-dsn"
            />
          }
        >
          <div class="space-y-1.5">
            <div class="flex flex-wrap items-center gap-3">
              <button type="button" class="btn-secondary" onClick={() => fileInput?.click()} disabled={busy() !== undefined} data-testid="llmio-choose-file">
                <span class="i-lucide-database" />
                {t("settings.llmio.chooseFile")}
              </button>
              <span class="min-w-0 break-all text-sm" data-testid="llmio-file-name">
                <Show when={file()} fallback={<span class="muted">{t("settings.llmio.noFile")}</span>}>
                  {(chosen) => (
                    <>
                      <span class="font-medium">{chosen().name}</span> <span class="muted">({formatBytes(chosen().size)})</span>
                    </>
                  )}
                </Show>
              </span>
              <input ref={fileInput} type="file" accept=".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/x-sqlite3" class="hidden" onChange={pickFile} data-testid="llmio-file-input" />
            </div>
            <p class="field-hint">{t("settings.llmio.hint.file")}</p>
          </div>
        </Show>

        <div class="space-y-3 pt-1">
          <Toggle size="sm" checked={choices.withLogs} onChange={(value) => choose("withLogs", value)} label={t("settings.llmio.withLogs")} hint={t("settings.llmio.hint.withLogs")} disabled={busy() !== undefined} />
          <Show when={choices.withLogs}>
            <NumberField
              class="pl-12 sm:max-w-xs"
              label={t("settings.llmio.sinceDays")}
              value={choices.sinceDays}
              onValue={(value) => choose("sinceDays", value)}
              min={1}
              unit={t("settings.days")}
              placeholder={t("settings.llmio.all")}
              hint={t("settings.llmio.hint.sinceDays")}
              error={daysError() ? t(daysError()!) : null}
              data-testid="llmio-since-days"
            />
          </Show>
          <Toggle size="sm" checked={choices.replace} onChange={(value) => choose("replace", value)} label={t("settings.llmio.replace")} hint={t("settings.llmio.hint.replace")} disabled={busy() !== undefined} />
        </div>

        <div class="flex flex-wrap items-center gap-3 pt-1">
          <button type="button" class="btn-primary" onClick={check} disabled={busy() !== undefined || (sourceKind() === "file" && !file())} aria-busy={busy() !== undefined} data-testid="llmio-check">
            {busy() === "upload" || busy() === "check" ? <Spinner /> : <span class="i-lucide-search-check" />}
            {t("settings.llmio.check")}
          </button>
          <Show when={busy()}>
            <span class="flex items-center gap-2 text-sm muted" role="status" data-testid="llmio-busy">
              <Show when={busy() === "upload"}>
                <span class="h-1.5 w-32 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress() * 100)}>
                  <span class="block h-full rounded-full bg-brand-600 transition-[width] dark:bg-brand-400" style={{ width: `${Math.round(progress() * 100)}%` }} />
                </span>
              </Show>
              {busyText()}
            </span>
          </Show>
        </div>
        <p class="flex flex-wrap items-center gap-1.5 text-xs muted" data-testid="llmio-cli">
          {t("settings.llmio.cli")}
          <code class="code">{CLI_COMMAND}</code>
          <CopyButton text={CLI_COMMAND} class="btn-icon h-6 w-6 text-xs" />
        </p>

        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>

        <Show when={checked()}>
          {(current) => (
            <PlanPanel tone="preview" testId="llmio-preview">
              <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="section-title">{t("settings.llmio.preview")}</p>
                <ImportTotals report={current().report} />
              </div>
              <p class="text-xs muted">{t("settings.llmio.dryRunNote")}</p>
              <ImportReportView report={current().report} showUnchanged={showUnchanged()} />
              <div class="flex flex-wrap items-center justify-end gap-2">
                {unchangedToggle(current().report)}
                <button type="button" class="btn-ghost" onClick={() => setChecked(undefined)} disabled={busy() === "import"}>
                  {t("common.cancel")}
                </button>
                <button type="button" class="btn-primary" onClick={runImport} disabled={busy() !== undefined || !writesAnything(current().report)} aria-busy={busy() === "import"} data-testid="llmio-apply">
                  <Show when={busy() === "import"} fallback={<span class="i-lucide-import" />}>
                    <Spinner />
                  </Show>
                  {t("settings.llmio.import")}
                </button>
              </div>
            </PlanPanel>
          )}
        </Show>

        <Show when={applied()}>
          {(report) => (
            <PlanPanel tone="applied" testId="llmio-applied">
              <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="section-title">{t("settings.llmio.imported")}</p>
                <ImportTotals report={report()} />
              </div>
              <ImportReportView report={report()} showUnchanged={showUnchanged()} />
              <div class="flex flex-wrap items-center justify-end gap-2">{unchangedToggle(report())}</div>
            </PlanPanel>
          )}
        </Show>
      </FieldSet>
    </section>
  );
}
