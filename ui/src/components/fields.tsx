import { createUniqueId, For, type JSX, Show, splitProps } from "solid-js";

interface FieldFrameProps {
  id: string;
  label: JSX.Element;
  hint?: JSX.Element;
  error?: string | null;
  class?: string;
  children: JSX.Element;
}

/** Label above, hint or error below, all tied to the control by id for screen readers. */
function FieldFrame(props: FieldFrameProps) {
  return (
    <div class={`space-y-1.5 ${props.class ?? ""}`}>
      <label for={props.id} class="field-label">
        {props.label}
      </label>
      {props.children}
      <Show when={props.error} fallback={<Show when={props.hint}>{<p id={`${props.id}-hint`} class="field-hint">{props.hint}</p>}</Show>}>
        <p id={`${props.id}-error`} class="field-error" role="alert">
          {props.error}
        </p>
      </Show>
    </div>
  );
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "value" | "onInput" | "class">;

export interface TextFieldProps extends InputAttributes {
  label: JSX.Element;
  value: string;
  onValue: (value: string) => void;
  hint?: JSX.Element;
  error?: string | null;
  class?: string;
  inputClass?: string;
  /** An element inside the right edge of the input (a button, a unit). */
  suffix?: JSX.Element;
}

/** What describes a field: its error while it has one, else its hint (FieldFrame renders both). */
function describedBy(id: string, error: string | null | undefined, hint: JSX.Element | undefined): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function TextField(props: TextFieldProps) {
  const [local, rest] = splitProps(props, ["label", "value", "onValue", "hint", "error", "class", "inputClass", "suffix"]);
  const id = rest.id ?? createUniqueId();
  return (
    <FieldFrame id={id} label={local.label} hint={local.hint} error={local.error} class={local.class}>
      <div class="relative">
        <input
          {...rest}
          id={id}
          class={`input ${local.error ? "input-invalid" : ""} ${local.suffix ? "pr-10" : ""} ${local.inputClass ?? ""}`}
          value={local.value}
          onInput={(event) => local.onValue(event.currentTarget.value)}
          aria-invalid={local.error ? "true" : undefined}
          aria-describedby={describedBy(id, local.error, local.hint)}
        />
        <Show when={local.suffix}>
          <div class="absolute inset-y-0 right-1 flex items-center">{local.suffix}</div>
        </Show>
      </div>
    </FieldFrame>
  );
}

export interface NumberFieldProps extends Omit<InputAttributes, "type" | "min" | "max" | "step"> {
  label: JSX.Element;
  /** null: the field is empty (for "unlimited" style settings). */
  value: number | null;
  onValue: (value: number | null) => void;
  hint?: JSX.Element;
  error?: string | null;
  min?: number;
  max?: number;
  step?: number;
  /** Shown at the right edge: "ms", "s", "/ 1M". */
  unit?: string;
  class?: string;
}

export function NumberField(props: NumberFieldProps) {
  const [local, rest] = splitProps(props, ["label", "value", "onValue", "hint", "error", "unit", "class", "min", "max", "step"]);
  const id = rest.id ?? createUniqueId();
  return (
    <FieldFrame id={id} label={local.label} hint={local.hint} error={local.error} class={local.class}>
      <div class="relative">
        <input
          {...rest}
          id={id}
          type="number"
          inputMode="decimal"
          min={local.min}
          max={local.max}
          step={local.step ?? 1}
          class={`input tabular-nums ${local.error ? "input-invalid" : ""} ${local.unit ? "pr-14" : ""}`}
          value={local.value ?? ""}
          onInput={(event) => {
            const text = event.currentTarget.value;
            local.onValue(text === "" ? null : Number(text));
          }}
          aria-invalid={local.error ? "true" : undefined}
          aria-describedby={describedBy(id, local.error, local.hint)}
        />
        <Show when={local.unit}>
          <span class="pointer-events-none absolute inset-y-0 right-3 flex items-center text-xs muted">{local.unit}</span>
        </Show>
      </div>
    </FieldFrame>
  );
}

export interface SelectFieldProps<Value extends string> {
  label: JSX.Element;
  value: Value;
  onValue: (value: Value) => void;
  options: { value: Value; label: string }[];
  hint?: JSX.Element;
  error?: string | null;
  class?: string;
  id?: string;
  disabled?: boolean;
  name?: string;
}

export function SelectField<Value extends string>(props: SelectFieldProps<Value>) {
  const id = props.id ?? createUniqueId();
  return (
    <FieldFrame id={id} label={props.label} hint={props.hint} error={props.error} class={props.class}>
      <select
        id={id}
        name={props.name}
        class="input appearance-auto pr-8"
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onValue(event.currentTarget.value as Value)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      >
        <For each={props.options}>{(option) => <option value={option.value}>{option.label}</option>}</For>
      </select>
    </FieldFrame>
  );
}

export interface TextAreaFieldProps extends Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onInput" | "class"> {
  label: JSX.Element;
  value: string;
  onValue: (value: string) => void;
  hint?: JSX.Element;
  error?: string | null;
  class?: string;
}

export function TextAreaField(props: TextAreaFieldProps) {
  const [local, rest] = splitProps(props, ["label", "value", "onValue", "hint", "error", "class"]);
  const id = rest.id ?? createUniqueId();
  return (
    <FieldFrame id={id} label={local.label} hint={local.hint} error={local.error} class={local.class}>
      <textarea
        {...rest}
        id={id}
        class={`textarea font-mono text-xs ${local.error ? "input-invalid" : ""}`}
        value={local.value}
        onInput={(event) => local.onValue(event.currentTarget.value)}
        aria-invalid={local.error ? "true" : undefined}
        aria-describedby={describedBy(id, local.error, local.hint)}
      />
    </FieldFrame>
  );
}

export interface ToggleProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** Visible label; or `ariaLabel` for a bare switch in a table. */
  label?: JSX.Element;
  ariaLabel?: string;
  hint?: JSX.Element;
  disabled?: boolean;
  class?: string;
  size?: "sm" | "md";
}

/** An on/off switch (role="switch"; Space or Enter toggles it). */
export function Toggle(props: ToggleProps) {
  const id = createUniqueId();
  const small = () => props.size === "sm";
  return (
    <div class={`flex items-start gap-3 ${props.class ?? ""}`}>
      <button
        type="button"
        role="switch"
        id={id}
        aria-checked={props.checked}
        aria-label={props.ariaLabel}
        aria-labelledby={props.label && !props.ariaLabel ? `${id}-label` : undefined}
        disabled={props.disabled}
        onClick={() => props.onChange(!props.checked)}
        class={`relative inline-flex shrink-0 cursor-pointer items-center rounded-full transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60 ring-offset-1 ring-offset-white dark:ring-offset-zinc-900) disabled:(cursor-not-allowed opacity-50) ${
          small() ? "h-5 w-9" : "h-6 w-11"
        } ${props.checked ? "bg-brand-600 dark:bg-brand-500" : "bg-zinc-300 dark:bg-zinc-600"}`}
      >
        <span
          class={`inline-block transform rounded-full bg-white shadow transition-transform ${small() ? "h-4 w-4" : "h-5 w-5"} ${
            props.checked ? (small() ? "translate-x-4.5" : "translate-x-5.5") : "translate-x-0.5"
          }`}
        />
      </button>
      <Show when={props.label}>
        <div class="min-w-0">
          <label id={`${id}-label`} for={id} class="field-label cursor-pointer">
            {props.label}
          </label>
          <Show when={props.hint}>
            <p class="field-hint mt-0.5">{props.hint}</p>
          </Show>
        </div>
      </Show>
    </div>
  );
}

export interface SliderProps {
  value: number;
  onInput: (value: number) => void;
  /** Called once the user lets go (save here). */
  onCommit?: (value: number) => void;
  min?: number;
  max?: number;
  step?: number;
  ariaLabel: string;
  class?: string;
}

/** A range input with its value beside it; arrow keys move it. */
export function Slider(props: SliderProps) {
  return (
    <div class={`flex items-center gap-2 ${props.class ?? ""}`}>
      <input
        type="range"
        class="h-1.5 w-full min-w-16 cursor-pointer accent-brand-600 dark:accent-brand-400"
        min={props.min ?? 0}
        max={props.max ?? 100}
        step={props.step ?? 1}
        value={props.value}
        aria-label={props.ariaLabel}
        onInput={(event) => props.onInput(Number(event.currentTarget.value))}
        onChange={(event) => props.onCommit?.(Number(event.currentTarget.value))}
      />
      <span class="w-8 text-right text-xs tabular-nums muted">{props.value}</span>
    </div>
  );
}

/** A group of related fields with a small heading. */
export function FieldSet(props: { legend: JSX.Element; children: JSX.Element; class?: string; hint?: JSX.Element }) {
  return (
    <fieldset class={`space-y-3 ${props.class ?? ""}`}>
      <legend class="mb-2 text-xs font-semibold uppercase tracking-wide muted">{props.legend}</legend>
      <Show when={props.hint}>
        <p class="field-hint -mt-1">{props.hint}</p>
      </Show>
      {props.children}
    </fieldset>
  );
}
