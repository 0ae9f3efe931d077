import { Show } from "solid-js";
import { t } from "../lib/i18n/index.ts";
import { Spinner } from "./states.tsx";

/** A form modal's footer: cancel, and the submit button of the form `formId` (spinning while it saves). */
export function FormFooter(props: { formId: string; saving: boolean; label: string; testId: string; onCancel: () => void }) {
  return (
    <>
      <button type="button" class="btn-secondary" onClick={() => props.onCancel()}>
        {t("common.cancel")}
      </button>
      <button type="submit" form={props.formId} class="btn-primary" disabled={props.saving} data-testid={props.testId}>
        <Show when={props.saving}>
          <Spinner />
        </Show>
        {props.label}
      </button>
    </>
  );
}
