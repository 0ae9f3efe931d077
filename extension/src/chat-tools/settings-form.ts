import type { ChatTool, GatewayTarget, ToolPage } from "./types.ts";

const URL_FIELD = /base[\s_-]*url|api[\s_-]*(url|host|base|endpoint|address)|endpoint|proxy[\s_-]*url|server[\s_-]*url|接口地址|代理地址/i;
const KEY_FIELD = /api[\s_-]*key|apikey|secret|access[\s_-]*token|密钥/i;

/** Everything that names an input: attributes and the text of its label. */
function describe(input: HTMLInputElement): string {
  const labels = Array.from(input.labels ?? []).map((label) => label.textContent ?? "");
  return [input.name, input.id, input.placeholder, input.getAttribute("aria-label") ?? "", ...labels].join(" ");
}

/** The settings form's base-URL and API-key inputs, when the page shows them. */
export function findSettingsFields(document: Document): { urlInput?: HTMLInputElement; keyInput?: HTMLInputElement } {
  const inputs = Array.from(document.querySelectorAll<HTMLInputElement>("input")).filter(
    (input) => ["text", "url", "password", "search", ""].includes(input.type) && !input.disabled && !input.readOnly,
  );
  const keyInput = inputs.find((input) => KEY_FIELD.test(describe(input)));
  const urlInput = inputs.find((input) => input !== keyInput && URL_FIELD.test(describe(input)));
  return { urlInput, keyInput };
}

/**
 * Sets a value the way typing does: through the native setter (frameworks such as React wrap
 * the element's own `value` property and would not notice a plain assignment), then `input`
 * and `change` events so the app's state follows.
 */
export function setInputValue(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), "value")?.set;
  input.focus();
  if (setter) setter.call(input, value);
  else input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
  input.blur();
}

/** Fills any OpenAI-compatible app's settings form; the user still saves it. */
export const settingsForm: ChatTool = {
  kind: "form",
  label: "this app",
  detect: (document) => {
    const { urlInput, keyInput } = findSettingsFields(document);
    return urlInput !== undefined && keyInput !== undefined;
  },
  async apply(target: GatewayTarget, page: ToolPage) {
    const { urlInput, keyInput } = findSettingsFields(page.document);
    if (!urlInput && !keyInput) return { ok: false, message: "Open the app's API settings (base URL and key), then click again." };
    if (urlInput) setInputValue(urlInput, `${target.gatewayUrl}/v1`);
    if (keyInput) setInputValue(keyInput, target.key);
    const filled = [urlInput && "base URL", keyInput && "API key"].filter(Boolean).join(" and ");
    return { ok: true, message: `Filled the ${filled}. Check them and save the app's settings.` };
  },
};
