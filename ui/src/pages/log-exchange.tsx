import { For, type JSX, Show } from "solid-js";
import { formatInteger } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import { indentJson } from "../lib/json-read.ts";
import type { ExchangeAnswer, ExchangeMessage, ExchangePart, ExchangeRequest, ExchangeUsage } from "../lib/pretty-body.ts";

/** Long text wraps instead of scrolling sideways; very long text scrolls inside its box. */
const TEXT_BOX = "max-h-72 overflow-auto whitespace-pre-wrap break-words text-sm leading-relaxed";
const CODE_BOX = "max-h-60 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-800/60";

/** A captured request for people: system prompt, messages, tools, parameters. */
export function RequestView(props: { request: ExchangeRequest }) {
  return (
    <div class="space-y-3" data-testid="exchange-request">
      <Show when={props.request.system}>
        {(system) => (
          <Block title={t("logs.system")}>
            <p class={`${TEXT_BOX} muted`}>{system()}</p>
          </Block>
        )}
      </Show>
      <Block title={t("logs.messages", { count: props.request.messages.length })}>
        <ol class="space-y-2">
          <For each={props.request.messages}>{(message) => <MessageCard message={message} />}</For>
        </ol>
      </Block>
      <Show when={props.request.tools.length > 0}>
        <Block title={t("logs.tools", { count: props.request.tools.length })}>
          <ul class="flex flex-wrap gap-1.5" data-testid="exchange-tools">
            <For each={props.request.tools}>
              {(tool) => (
                <li class="badge-muted max-w-full truncate font-mono" title={tool.description}>
                  {tool.name}
                </li>
              )}
            </For>
          </ul>
        </Block>
      </Show>
      <Show when={props.request.parameters.length > 0}>
        <Block title={t("logs.parameters")}>
          <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs" data-testid="exchange-parameters">
            <For each={props.request.parameters}>
              {([name, value]) => (
                <>
                  <dt class="font-mono muted">{name}</dt>
                  <dd class="min-w-0 break-all font-mono">{value}</dd>
                </>
              )}
            </For>
          </dl>
        </Block>
      </Show>
    </div>
  );
}

/** The answer: text, reasoning, tool calls, usage and finish reason (assembled from a stream when it was one). */
export function AnswerView(props: { answer: ExchangeAnswer }) {
  const answer = () => props.answer;
  return (
    <div class="space-y-3" data-testid="exchange-answer">
      <p class="text-xs muted">{answer().streamed ? t("logs.answerStreamed", { count: formatInteger(answer().events) }) : t("logs.answerWhole")}</p>
      <Show when={answer().error}>
        <p class="rounded-md bg-red-50 p-2 text-sm text-red-800 dark:(bg-red-500/10 text-red-200)" data-testid="exchange-error">
          <span class="font-medium">{t("logs.answerError")}: </span>
          {answer().error}
        </p>
      </Show>
      <Show when={answer().reasoning}>
        <details class="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800" data-testid="exchange-reasoning">
          <summary class="cursor-pointer text-xs font-medium muted">{t("logs.reasoning")}</summary>
          <p class={`${TEXT_BOX} mt-2 muted italic`}>{answer().reasoning}</p>
        </details>
      </Show>
      <Show when={answer().text || (!answer().reasoning && answer().toolCalls.length === 0 && !answer().error)}>
        <p class={`${TEXT_BOX} rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800`} data-testid="exchange-text">
          {answer().text || t("logs.noAnswerText")}
        </p>
      </Show>
      <Show when={answer().toolCalls.length > 0}>
        <Block title={t("logs.toolCalls", { count: answer().toolCalls.length })}>
          <ul class="space-y-2" data-testid="exchange-tool-calls">
            <For each={answer().toolCalls}>{(call) => <ToolCall name={call.name} id={call.id} arguments={call.arguments} />}</For>
          </ul>
        </Block>
      </Show>
      <div class="flex flex-wrap items-center gap-1.5 text-xs">
        <Show when={answer().usage}>{(usage) => <UsageChips usage={usage()} />}</Show>
        <Show when={answer().finishReason}>
          <span class="badge-muted" data-testid="exchange-finish">
            {t("logs.finishReason")}: {answer().finishReason}
          </span>
        </Show>
      </div>
    </div>
  );
}

function UsageChips(props: { usage: ExchangeUsage }) {
  const entries = () =>
    (["input", "output", "cached", "reasoning", "total"] as const).flatMap((name) => (props.usage[name] === undefined ? [] : [[name, props.usage[name]!] as const]));
  return (
    <span class="inline-flex flex-wrap items-center gap-1.5" data-testid="exchange-usage">
      <span class="muted">{t("logs.usage")}:</span>
      <For each={entries()}>
        {([name, value]) => (
          <span class="badge-muted tabular-nums">
            {t(`logs.usage.${name}`)} {formatInteger(value)}
          </span>
        )}
      </For>
    </span>
  );
}

function MessageCard(props: { message: ExchangeMessage }) {
  return (
    <li class="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800" data-testid="exchange-message">
      <div class="mb-1 text-xs font-semibold uppercase tracking-wide muted">{props.message.role}</div>
      <div class="space-y-2">
        <For each={props.message.parts}>{(part) => <PartView part={part} />}</For>
      </div>
    </li>
  );
}

function PartView(props: { part: ExchangePart }): JSX.Element {
  const part = props.part;
  switch (part.kind) {
    case "text":
      return <p class={TEXT_BOX}>{part.text}</p>;
    case "reasoning":
      return <p class={`${TEXT_BOX} muted italic`}>{part.text}</p>;
    case "tool-call":
      return <ToolCall name={part.name} id={part.id} arguments={part.arguments} />;
    case "tool-result":
      return (
        <div>
          <div class="text-xs muted">
            {t("logs.toolResult")}
            <Show when={part.name ?? part.id}>
              {" "}
              <span class="font-mono">{part.name ?? part.id}</span>
            </Show>
          </div>
          <pre class={CODE_BOX}>{part.text}</pre>
        </div>
      );
    default:
      return <span class="badge-muted">{part.label}</span>;
  }
}

function ToolCall(props: { name: string; id?: string; arguments: string }) {
  return (
    <div data-testid="exchange-tool-call">
      <div class="text-xs">
        <span class="i-lucide-wrench mr-1 align-[-2px] muted" />
        <span class="muted">{t("logs.toolCall")} </span>
        <span class="font-mono font-medium">{props.name}</span>
        <Show when={props.id}>
          <span class="ml-1.5 font-mono muted">{props.id}</span>
        </Show>
      </div>
      <pre class={`${CODE_BOX} mt-1`}>{indentJson(props.arguments)}</pre>
    </div>
  );
}

function Block(props: { title: string; children: JSX.Element }) {
  return (
    <section class="min-w-0">
      <h5 class="mb-1 text-xs font-semibold uppercase tracking-wide muted">{props.title}</h5>
      {props.children}
    </section>
  );
}
