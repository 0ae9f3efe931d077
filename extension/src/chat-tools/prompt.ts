import type { ApplyResult } from "./types.ts";

export interface PromptStrings {
  title: string;
  body: string;
  use: string;
  notNow: string;
  working: string;
  /** Title once the tool is configured. */
  done: string;
  close: string;
}

export interface PromptOptions {
  strings: PromptStrings;
  /** Runs on a real click only (`isTrusted`): a page script cannot configure the tool through us. */
  onUse(): Promise<ApplyResult>;
  onDismiss(): void;
}

const STYLE = `
:host { all: initial; position: fixed; right: 20px; bottom: 20px; z-index: 2147483647; }
.card { box-sizing: border-box; width: 320px; padding: 14px 16px; border-radius: 12px; border: 1px solid #e4e4e7;
  background: #fff; color: #18181b; box-shadow: 0 10px 30px rgba(0,0,0,.15);
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", sans-serif; }
.head { display: flex; align-items: center; gap: 8px; font-weight: 600; font-size: 14px; }
.logo { width: 18px; height: 18px; border-radius: 5px; background: #4f46e5; color: #fff; display: grid; place-items: center;
  font-size: 11px; font-weight: 700; }
.close { margin-left: auto; border: 0; background: none; color: #71717a; font-size: 18px; line-height: 1; cursor: pointer; padding: 0 2px; }
.body { margin: 6px 0 12px; color: #52525b; word-break: break-word; }
.body code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f4f5; padding: 1px 4px; border-radius: 4px; }
.actions { display: flex; gap: 8px; }
button.primary, button.secondary { height: 32px; padding: 0 12px; border-radius: 8px; font: inherit; font-weight: 500; cursor: pointer; }
button.primary { border: 0; background: #4f46e5; color: #fff; }
button.primary:hover { background: #4338ca; }
button.primary:disabled { opacity: .6; cursor: progress; }
button.secondary { border: 1px solid #d4d4d8; background: #fff; color: #27272a; }
.status { margin: -4px 0 12px; font-size: 12px; }
.status.ok { color: #15803d; }
.status.bad { color: #b91c1c; }
@media (prefers-color-scheme: dark) {
  .card { background: #18181b; color: #f4f4f5; border-color: #3f3f46; }
  .body { color: #a1a1aa; } .body code { background: #27272a; }
  button.secondary { background: #27272a; color: #f4f4f5; border-color: #3f3f46; }
  .status.ok { color: #4ade80; } .status.bad { color: #f87171; }
}`;

/**
 * The small "use llmio here?" card, in a shadow root so the page's styles neither leak in nor
 * out. Nothing happens until the user clicks "use": then `onUse` runs and its result shows.
 */
export function showPrompt(document: Document, options: PromptOptions): { host: HTMLElement; remove(): void } {
  const host = document.createElement("llmio-prompt");
  host.setAttribute("data-testid", "llmio-prompt");
  const root = host.attachShadow({ mode: "open" });
  const { strings } = options;
  // A fixed markup string (no interpolation: Mozilla's add-on linter flags any variable in innerHTML).
  root.innerHTML = `<div class="card" role="dialog" aria-labelledby="llmio-title">
  <div class="head"><span class="logo">L</span><span id="llmio-title"></span>
    <button class="close" data-action="close" type="button">×</button></div>
  <p class="body"></p>
  <p class="status" role="status" hidden></p>
  <div class="actions">
    <button class="primary" data-action="use" type="button"></button>
    <button class="secondary" data-action="dismiss" type="button"></button>
  </div>
</div>`;
  root.prepend(Object.assign(document.createElement("style"), { textContent: STYLE }));
  const element = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  const title = element<HTMLElement>("#llmio-title");
  title.textContent = strings.title;
  // The body names the gateway URL in <code>; built with text nodes, never innerHTML.
  const body = element<HTMLElement>(".body");
  for (const [index, part] of strings.body.split(/`([^`]*)`/).entries()) {
    if (index % 2 === 1) body.append(Object.assign(document.createElement("code"), { textContent: part }));
    else body.append(part);
  }
  const use = element<HTMLButtonElement>('[data-action="use"]');
  const dismiss = element<HTMLButtonElement>('[data-action="dismiss"]');
  const close = element<HTMLButtonElement>('[data-action="close"]');
  const status = element<HTMLElement>(".status");
  use.textContent = strings.use;
  dismiss.textContent = strings.notNow;
  close.setAttribute("aria-label", strings.close);

  const remove = () => host.remove();
  const onDismiss = (event: Event) => {
    if (!event.isTrusted) return;
    options.onDismiss();
    remove();
  };
  dismiss.addEventListener("click", onDismiss);
  close.addEventListener("click", onDismiss);
  use.addEventListener("click", async (event) => {
    if (!event.isTrusted) return;
    use.disabled = true;
    use.textContent = strings.working;
    let result: ApplyResult;
    try {
      result = await options.onUse();
    } catch (error) {
      result = { ok: false, message: (error as Error).message };
    }
    status.hidden = false;
    status.className = `status ${result.ok ? "ok" : "bad"}`;
    status.textContent = result.message;
    use.disabled = false;
    use.textContent = strings.use;
    if (result.ok) {
      // Done: the result replaces the offer, and only "close" is left.
      title.textContent = strings.done;
      body.hidden = true;
      status.style.marginTop = "6px";
      use.hidden = true;
      dismiss.textContent = strings.close;
    }
  });
  (document.body ?? document.documentElement).append(host);
  return { host, remove };
}
