import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readSse } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, parseFaults, startFakeUpstream } from "./index.ts";
import { GZIP_BOMB_DECODED_BYTES } from "./hostile.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, unknown>;

const OPENAI = { authorization: "Bearer sk-secret-openai", "content-type": "application/json" };
const ANTHROPIC = { "x-api-key": "sk-ant-secret", "anthropic-version": "2023-06-01", "content-type": "application/json" };
const GOOGLE = { "x-goog-api-key": "goog-secret", "content-type": "application/json" };
const HELLO = [{ role: "user", content: "Hello there" }];

interface ProtocolCall {
  name: string;
  path: string;
  headers: Record<string, string>;
  body(stream: boolean, model: string): Json;
}

/** One call per protocol the fake speaks; Gemini's stream mode is in the path. */
const PROTOCOLS: ProtocolCall[] = [
  { name: "openai-chat", path: "/v1/chat/completions", headers: OPENAI, body: (stream, model) => ({ model, messages: HELLO, stream }) },
  { name: "openai-responses", path: "/v1/responses", headers: OPENAI, body: (stream, model) => ({ model, input: "Hello there", stream }) },
  { name: "anthropic", path: "/v1/messages", headers: ANTHROPIC, body: (stream, model) => ({ model, max_tokens: 100, messages: HELLO, stream }) },
  { name: "gemini", path: "/v1beta/models/MODEL:generateContent", headers: GOOGLE, body: () => ({ contents: [{ role: "user", parts: [{ text: "Hello there" }] }] }) },
];

function send(protocol: ProtocolCall, options: { stream?: boolean; model?: string; fault?: string; signal?: AbortSignal } = {}) {
  const model = options.model ?? "fake-model";
  const stream = options.stream === true;
  let path = protocol.path.replace("MODEL", encodeURIComponent(model));
  if (stream && protocol.name === "gemini") path = path.replace(":generateContent", ":streamGenerateContent?alt=sse");
  const headers: Record<string, string> = { ...protocol.headers };
  if (options.fault) headers["x-fake-fault"] = options.fault;
  return fetch(`${upstream.url}${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(protocol.body(stream, model)),
    redirect: "manual",
    signal: options.signal,
  });
}

/** Reads at most `limit` bytes of a body (then cancels it); whether it ended on its own. */
async function readBytes(response: Response, limit: number): Promise<{ bytes: Uint8Array; ended: boolean }> {
  const reader = response.body!.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) return { bytes: concat(parts, length), ended: true };
    parts.push(next.value);
    length += next.value.length;
    if (length >= limit) {
      await reader.cancel();
      return { bytes: concat(parts, length), ended: false };
    }
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe("parsing", () => {
  test("hostile directives from the header and the model name", () => {
    expect(parseFaults("redirect=307; gzip-bomb", undefined)).toEqual({ redirect: 307, gzipBomb: true });
    expect(parseFaults(null, "fake-model+giant-line=52428800+endless+error-body")).toEqual({ giantLine: 52_428_800, endless: true, errorBody: true });
  });

  test("a redirect outside 300-399 or a giant line without a size is a syntax error", async () => {
    expect(() => parseFaults("redirect=200", undefined)).toThrow("300-399");
    expect(() => parseFaults("giant-line", undefined)).toThrow("Unknown");
    const response = await send(PROTOCOLS[0], { fault: "redirect=404" });
    expect(response.status).toBe(400);
  });
});

describe("redirect=STATUS", () => {
  for (const protocol of PROTOCOLS) {
    test(`${protocol.name}: answers STATUS with a Location on the other origin, which records what a follower sends`, async () => {
      const target = upstream.redirectTarget();
      expect(target.url).not.toBe(upstream.url);
      const before = target.requests.length;
      const response = await send(protocol, { model: "fake-model+redirect=307" });
      expect(response.status).toBe(307);
      const location = response.headers.get("location")!;
      expect(location.startsWith(`${target.url}/`)).toBe(true);
      expect(new URL(location).pathname).toBe(new URL(`${upstream.url}${protocol.path}`).pathname.replace("MODEL", encodeURIComponent("fake-model+redirect=307")));
      expect(target.requests.length).toBe(before); // not followed: nothing arrived

      // What a gateway that follows would do: the key and the prompt land on the other origin.
      const followed = await fetch(location, { method: "POST", headers: protocol.headers, body: '{"prompt":"secret prompt"}' });
      expect(followed.status).toBe(200);
      expect(((await followed.json()) as Json).object).toBe("chat.completion");
      const received = target.requests.at(-1)!;
      expect(received.method).toBe("POST");
      expect(received.body).toContain("secret prompt");
      const keyHeader = Object.keys(protocol.headers).find((name) => name !== "content-type" && name !== "anthropic-version")!;
      expect(received.headers[keyHeader]).toBe(protocol.headers[keyHeader]);
    });
  }

  test("model lists honour the header's redirect (OpenAI, Anthropic and Gemini shapes)", async () => {
    for (const [path, headers] of [["/v1/models", OPENAI], ["/v1/models", ANTHROPIC], ["/v1beta/models", GOOGLE]] as const) {
      const response = await fetch(`${upstream.url}${path}`, { headers: { ...headers, "x-fake-fault": "redirect=302" }, redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`${upstream.redirectTarget().url}${path}`);
    }
  });

  test("the key check still comes first", async () => {
    const response = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer bad-key", "x-fake-fault": "redirect=302" },
      body: JSON.stringify({ model: "fake-model", messages: HELLO }),
      redirect: "manual",
    });
    expect(response.status).toBe(401);
  });
});

describe("error-body", () => {
  for (const protocol of PROTOCOLS) {
    for (const stream of [false, true]) {
      test(`${protocol.name}${stream ? " stream" : ""}: HTTP 200 with an OpenAI error envelope`, async () => {
        const response = await send(protocol, { stream, fault: "error-body" });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toContain("application/json");
        const body = (await response.json()) as { error: { message: string; type: string; code: string } };
        expect(body.error).toMatchObject({ type: "server_error", code: "fake_error_body" });
        expect(body.error.message).toContain("error body");
      });
    }
  }
});

describe("gzip-bomb", () => {
  test("about 1 MB on the wire, declared gzip", async () => {
    const response = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      headers: { ...OPENAI, "x-fake-fault": "gzip-bomb" },
      body: JSON.stringify({ model: "fake-model", messages: HELLO }),
      decompress: false,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-encoding")).toBe("gzip");
    const wire = new Uint8Array(await response.arrayBuffer());
    expect(wire.length).toBeLessThan(2 << 20);
    expect([wire[0], wire[1]]).toEqual([0x1f, 0x8b]); // the gzip magic number
  });

  test("decodes to 1 GiB of zero bytes (counted as it streams, never held)", async () => {
    const response = await send(PROTOCOLS[2], { stream: true, model: "fake-model+gzip-bomb" });
    const reader = response.body!.getReader();
    let decoded = 0;
    let nonZero = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      decoded += next.value.length;
      if (decoded <= 1 << 20) for (const byte of next.value) if (byte !== 0) nonZero++;
    }
    expect(decoded).toBe(GZIP_BOMB_DECODED_BYTES);
    expect(nonZero).toBe(0);
  }, 30_000);
});

describe("giant-line=BYTES", () => {
  const SIZE = 3_000_000;

  for (const protocol of PROTOCOLS) {
    test(`${protocol.name} stream: the opening frames, then one data line of BYTES with no newline, then the end`, async () => {
      const response = await send(protocol, { stream: true, fault: `giant-line=${SIZE}` });
      expect(response.status).toBe(200);
      const { bytes, ended } = await readBytes(response, SIZE * 2);
      expect(ended).toBe(true);
      const text = new TextDecoder().decode(bytes);
      const start = text.lastIndexOf("data: ");
      expect(text.length - start).toBe(SIZE);
      expect(text.slice(start).includes("\n")).toBe(false);
      // Before the line: only the preamble (no content chunk yet), ending at an event boundary.
      const head = text.slice(0, start);
      expect(head === "" || head.endsWith("\n\n")).toBe(true);
      expect(head).not.toContain("Echo");
    });
  }

  test("with cut-after=N the line comes after N content chunks", async () => {
    const response = await send(PROTOCOLS[0], { stream: true, fault: `giant-line=100000; cut-after=2` });
    const text = new TextDecoder().decode((await readBytes(response, 1 << 20)).bytes);
    const head = text.slice(0, text.lastIndexOf("data: "));
    const contents = head.split("\n\n").filter((frame) => frame.includes('"content":"'));
    // The role chunk (empty content) and 2 content chunks.
    expect(contents.map((frame) => JSON.parse(frame.slice(6)).choices[0].delta.content)).toEqual(["", "Echo: ", "Hello "]);
  });

  test("non-stream: a body of BYTES that never closes its JSON", async () => {
    const response = await send(PROTOCOLS[3], { fault: `giant-line=${SIZE}` });
    const { bytes, ended } = await readBytes(response, SIZE * 2);
    expect(ended).toBe(true);
    expect(bytes.length).toBe(SIZE);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('{"x":"xx');
  });
});

describe("endless", () => {
  /** SSE events of a stream until `count` arrived, then the stream is abandoned. */
  async function firstEvents(response: Response, count: number): Promise<Array<{ event?: string; data: string }>> {
    const { frames, error } = await readSse(response, { count });
    if (frames.length < count) throw new Error(`the stream ended after ${frames.length} events`, { cause: error });
    return frames;
  }

  const expectations: Record<string, (events: Array<{ event?: string; data: string }>) => void> = {
    "openai-chat": (events) => {
      for (const event of events.slice(1)) expect(JSON.parse(event.data).choices[0].delta.content).toBe("Echo: ");
    },
    "openai-responses": (events) => {
      for (const event of events.slice(-100)) expect(event.event).toBe("response.output_text.delta");
    },
    anthropic: (events) => {
      for (const event of events.slice(-100)) expect(JSON.parse(event.data).delta).toEqual({ type: "text_delta", text: "Echo: " });
    },
    gemini: (events) => {
      for (const event of events) {
        const candidate = JSON.parse(event.data).candidates[0];
        expect(candidate.finishReason).toBeUndefined();
        expect(candidate.content.parts[0].text).toBe("Echo: ");
      }
    },
  };

  for (const protocol of PROTOCOLS) {
    test(`${protocol.name}: the first content chunk again and again, never an end (token-delay paces it)`, async () => {
      const started = performance.now();
      const response = await send(protocol, { stream: true, fault: "endless; token-delay=1" });
      const events = await firstEvents(response, 150);
      expectations[protocol.name](events);
      for (const event of events) expect(event.data).not.toContain("[DONE]");
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    });
  }

  test("Gemini without alt=sse: a JSON array that keeps growing by valid elements", async () => {
    const response = await fetch(`${upstream.url}/v1beta/models/fake-model:streamGenerateContent`, {
      method: "POST",
      headers: { ...GOOGLE, "x-fake-fault": "endless; token-delay=1" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hello there" }] }] }),
    });
    const text = new TextDecoder().decode((await readBytes(response, 20_000)).bytes);
    const complete = text.slice(0, text.lastIndexOf(",\r\n"));
    const elements = JSON.parse(`${complete}]`) as Json[];
    expect(elements.length).toBeGreaterThan(5);
  });

  test("without token-delay it still paces (20 ms) instead of flooding", async () => {
    const started = performance.now();
    const events = await firstEvents(await send(PROTOCOLS[0], { stream: true, fault: "endless" }), 6);
    expect(events.length).toBe(6);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
  });

  test("non-stream: an unterminated JSON body that keeps coming", async () => {
    const { bytes, ended } = await readBytes(await send(PROTOCOLS[0], { fault: "endless; token-delay=1" }), 400);
    expect(ended).toBe(false);
    expect(new TextDecoder().decode(bytes)).toStartWith('{"x":"xxxxxxxx');
  });
});
