import { Show } from "solid-js";
import type { SetStoreFunction } from "solid-js/store";
import { FieldSet, NumberField, TextField } from "../components/fields.tsx";
import { t } from "../lib/i18n/index.ts";
import { percentToRatio, ratioToPercent } from "../lib/tracing-link.ts";
import type { Settings } from "@llmio/contract";

/**
 * Where spans go (OTLP/HTTP endpoint, export headers shown masked, sample ratio) and the link from
 * a log row to the operator's tracing UI. Part of the Settings form: saved with the other settings.
 */
export function TracingSection(props: { form: Settings; setForm: SetStoreFunction<Settings>; error: (field: keyof Settings) => string | null }) {
  // The environment decides the export; the link template is the UI's own and stays editable.
  const fromEnvironment = () => props.form.tracingFromEnvironment;
  const percent = () => (Number.isFinite(props.form.tracingSampleRatio) ? ratioToPercent(props.form.tracingSampleRatio) : null);
  return (
    <section class="card card-pad" data-testid="settings-tracing">
      <FieldSet legend={t("settings.tracing")} hint={t("settings.hint.tracing")}>
        <Show when={fromEnvironment()}>
          <p class="flex items-start gap-2 rounded-lg border border-sky-200 bg-sky-50/60 px-3 py-2 text-sm text-sky-800 dark:(border-sky-500/30 bg-sky-500/10 text-sky-200)" data-testid="tracing-from-environment">
            <span class="i-lucide-info mt-0.5 shrink-0" />
            {t("settings.tracingFromEnvironment")}
          </p>
        </Show>
        <TextField
          label={t("settings.tracingEndpoint")}
          name="tracingEndpoint"
          type="url"
          inputClass="font-mono text-xs"
          placeholder="http://localhost:4318"
          autocomplete="off"
          spellcheck={false}
          value={props.form.tracingEndpoint ?? ""}
          onValue={(value) => props.setForm("tracingEndpoint", value)}
          disabled={fromEnvironment()}
          error={props.error("tracingEndpoint")}
          hint={t("settings.hint.tracingEndpoint")}
        />
        <TextField
          label={t("settings.tracingHeaders")}
          name="tracingHeaders"
          inputClass="font-mono text-xs"
          placeholder="x-api-key=…"
          autocomplete="off"
          spellcheck={false}
          value={props.form.tracingHeaders ?? ""}
          onValue={(value) => props.setForm("tracingHeaders", value)}
          disabled={fromEnvironment()}
          error={props.error("tracingHeaders")}
          hint={t("settings.hint.tracingHeaders")}
        />
        <NumberField
          class="sm:max-w-xs"
          label={t("settings.tracingSampleRatio")}
          name="tracingSampleRatio"
          value={percent()}
          onValue={(value) => props.setForm("tracingSampleRatio", percentToRatio(value))}
          min={0}
          max={100}
          step={1}
          unit="%"
          disabled={fromEnvironment()}
          error={props.error("tracingSampleRatio")}
          hint={t("settings.hint.tracingSampleRatio")}
        />
        <TextField
          label={t("settings.tracingLinkTemplate")}
          name="tracingLinkTemplate"
          inputClass="font-mono text-xs"
          placeholder="https://jaeger.example.com/trace/{traceId}"
          autocomplete="off"
          spellcheck={false}
          value={props.form.tracingLinkTemplate ?? ""}
          onValue={(value) => props.setForm("tracingLinkTemplate", value)}
          error={props.error("tracingLinkTemplate")}
          hint={t("settings.hint.tracingLinkTemplate")}
        />
      </FieldSet>
    </section>
  );
}
