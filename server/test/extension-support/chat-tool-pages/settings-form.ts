import { htmlPage } from "./shell.ts";

/**
 * Any other OpenAI-compatible app with a settings form whose state, like React's controlled
 * inputs, follows real `input` events only: a value written through the element's own
 * (wrapped) property is "known" and ignored, as React's value tracker does.
 */
const SCRIPT = `
  const state = { baseUrl: "", apiKey: "" };
  const native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  for (const [id, field] of [["base", "baseUrl"], ["key", "apiKey"]]) {
    const input = document.getElementById(id);
    let tracked = "";
    Object.defineProperty(input, "value", { configurable: true, get() { return native.get.call(this); }, set(value) { tracked = String(value); native.set.call(this, value); } });
    input.addEventListener("input", () => {
      const actual = native.get.call(input);
      if (actual === tracked) return;
      tracked = actual;
      state[field] = actual;
    });
  }
  document.getElementById("save").onclick = () => {
    document.getElementById("state").textContent = JSON.stringify({ baseUrl: state.baseUrl, apiKey: state.apiKey ? "(a key)" : "" });
    sendChat(state.baseUrl.replace(/\\/$/, "") + "/chat/completions", { authorization: "Bearer " + state.apiKey }, "chat-model");
  };`;

export function settingsFormPage(): Response {
  return htmlPage({
    title: "My Chat App",
    body: `<form onsubmit="return false"><label>API Base URL<input id="base" name="baseUrl" placeholder="https://api.openai.com/v1"></label>
<label>API Key<input id="key" name="apiKey" type="password"></label><button type="button" id="save">Save</button></form>
<p>Saved settings:</p><pre id="state">nothing saved</pre><p>Reply:</p><pre id="reply">—</pre>`,
    script: SCRIPT,
  });
}
