/** The HTML frame every chat-tool double shares, and the browser-side helper that sends one chat message. */

export const SEND_CHAT_SCRIPT = `
  /** Sends one message as the app would (url, headers, model) and shows the answer in #reply. */
  async function sendChat(url, headers, model) {
    const reply = document.getElementById("reply");
    reply.textContent = "sending…";
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi from " + document.title }] }),
      });
      const body = await response.json();
      reply.textContent = response.status + " " + (body.choices ? body.choices[0].message.content : JSON.stringify(body));
    } catch (error) {
      reply.textContent = "failed: " + error.message;
    }
  }
  /** Shows a settings object with any key masked. */
  function masked(value) {
    return JSON.stringify(value, (name, field) => (/key/i.test(name) && typeof field === "string" && field ? "(a key)" : field));
  }`;

const STYLE = `body{font:14px system-ui;margin:0;background:#f4f4f5}header{background:#18181b;color:#fff;padding:14px 20px;font-weight:600}
main{padding:20px;max-width:680px}pre{background:#fff;border:1px solid #e4e4e7;padding:8px;border-radius:8px;white-space:pre-wrap;word-break:break-all;margin:4px 0 10px}
label{display:block;margin:10px 0}input{display:block;width:100%;padding:6px;margin-top:4px}
.modal-mask{position:fixed;inset:0;background:#0006;display:grid;place-items:center}.modal-mask[hidden]{display:none}.modal{background:#fff;padding:20px;border-radius:10px;max-width:520px}`;

export function htmlPage(page: { title: string; head?: string; body: string; script: string }): Response {
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>${page.title}</title>${page.head ?? ""}<style>${STYLE}</style></head>
<body><header>${page.title} (test double)</header><main>${page.body}</main><script>${SEND_CHAT_SCRIPT}\n${page.script}</script></body></html>`,
    { headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

/** The panel every tool page shows: settings, model list, the model a new chat sends, and a send button. */
export const TOOL_PANEL = `<p>Settings:</p><pre id="state">loading…</pre>
<p>Models:</p><pre id="models">—</pre>
<p>A new chat sends: <b id="model">—</b> <button id="send" type="button">Send "hi"</button></p>
<p>Reply:</p><pre id="reply">—</pre>`;
