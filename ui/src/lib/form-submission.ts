import { createEffect, createSignal } from "solid-js";
import { t, type MessageKey } from "./i18n/index.ts";

/**
 * The submit flow every form shares: validate on submit (errors shown at their fields, and
 * after a first submit following the fields as they are corrected), save once valid, and keep
 * a failed save for the form's error box (or hand it to `onFailure`). `now` is one timestamp
 * for validating and saving alike (expiry dates).
 */
export function createFormSubmission<Field extends string>(options: {
  validate: (now: number) => Partial<Record<Field, MessageKey>>;
  save: (now: number) => Promise<void>;
  /** Called with the errors when a submit was invalid (e.g. to open the section that holds them). */
  onInvalid?: (errors: Partial<Record<Field, MessageKey>>) => void;
  onFailure?: (error: unknown) => void;
}) {
  const [errors, setErrors] = createSignal<Partial<Record<Field, MessageKey>>>({});
  const [submitted, setSubmitted] = createSignal(false);
  createEffect(() => submitted() && setErrors(() => options.validate(Date.now())));
  const [failure, setFailure] = createSignal<unknown>();
  const [saving, setSaving] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const now = Date.now();
    const found = options.validate(now);
    setErrors(() => found);
    if (Object.keys(found).length > 0) {
      options.onInvalid?.(found);
      return;
    }
    setSaving(true);
    setFailure(undefined);
    try {
      await options.save(now);
    } catch (caught) {
      if (options.onFailure) options.onFailure(caught);
      else setFailure(caught);
    } finally {
      setSaving(false);
    }
  };

  /** The translated error of a field, or null. */
  const error = (field: Field) => {
    const key = errors()[field];
    return key ? t(key) : null;
  };

  return { error, failure, saving, submit };
}
