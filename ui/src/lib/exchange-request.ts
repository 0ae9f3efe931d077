import type { ExchangeMessage, ExchangePart, ExchangeRequest, ExchangeTool } from "./exchange-types.ts";
import { isRecord, list, record, shortValue, text, type JsonRecord } from "./json-read.ts";

/** Fields shown as messages, system prompt or tools rather than as parameters. */
const CONTENT_FIELDS = new Set(["messages", "system", "tools", "input", "instructions", "contents", "systemInstruction", "system_instruction"]);

/**
 * A client's request for people: system prompt, messages (text, reasoning, tool calls and
 * results, media), tools and the remaining parameters. `protocol` is the log row's client
 * protocol; without it the shape decides. Undefined when the body is no request we know.
 */
export function readRequest(body: unknown, protocol?: string): ExchangeRequest | undefined {
  if (!isRecord(body)) return undefined;
  const wire = protocol ?? guessProtocol(body);
  const read = READERS[wire as keyof typeof READERS];
  if (!read) return undefined;
  const request = read(body);
  request.parameters = parametersOf(body, wire === "gemini");
  return request;
}

function guessProtocol(body: JsonRecord): string | undefined {
  if (Array.isArray(body.contents)) return "gemini";
  if (body.input !== undefined || body.instructions !== undefined) return "openai-responses";
  if (Array.isArray(body.messages)) return body.system !== undefined || (body.max_tokens !== undefined && !("stream_options" in body)) ? "anthropic" : "openai-chat";
  return undefined;
}

type Reader = (body: JsonRecord) => ExchangeRequest;

const READERS: Record<string, Reader> = {
  "openai-chat": (body) => {
    const messages: ExchangeMessage[] = [];
    let system: string | undefined;
    for (const entry of list(body.messages)) {
      const message = record(entry);
      const role = text(message.role) ?? "user";
      const parts = openaiContent(message.content);
      if (text(message.reasoning_content)) parts.unshift({ kind: "reasoning", text: text(message.reasoning_content)! });
      for (const call of list(message.tool_calls)) {
        const fn = record(record(call).function);
        parts.push({ kind: "tool-call", name: text(fn.name) ?? "?", id: text(record(call).id), arguments: text(fn.arguments) ?? shortValue(fn.arguments) });
      }
      if (role === "tool") {
        messages.push({ role, parts: [{ kind: "tool-result", id: text(message.tool_call_id), text: partsText(parts) }] });
        continue;
      }
      // A leading system message is the system prompt; later ones stay in the conversation.
      if ((role === "system" || role === "developer") && messages.length === 0 && system === undefined) {
        system = partsText(parts);
        continue;
      }
      messages.push({ role, parts });
    }
    const tools = list(body.tools).map((tool) => {
      const fn = record(record(tool).function);
      return { name: text(fn.name) ?? text(record(tool).type) ?? "?", description: text(fn.description) };
    });
    return { system, messages, tools, parameters: [] };
  },

  "openai-responses": (body) => {
    const messages: ExchangeMessage[] = [];
    const tools: ExchangeTool[] = responsesTools(body.tools);
    if (typeof body.input === "string") messages.push({ role: "user", parts: [{ kind: "text", text: body.input }] });
    for (const entry of list(body.input)) {
      const item = record(entry);
      const type = text(item.type) ?? (item.role !== undefined ? "message" : "");
      if (type === "message") {
        messages.push({ role: text(item.role) ?? "user", parts: openaiContent(item.content) });
      } else if (type === "function_call" || type === "custom_tool_call") {
        const call: ExchangePart = { kind: "tool-call", name: text(item.name) ?? "?", id: text(item.call_id), arguments: text(item.arguments) ?? text(item.input) ?? "" };
        appendToAssistant(messages, call);
      } else if (type === "function_call_output" || type === "custom_tool_call_output") {
        messages.push({ role: "tool", parts: [{ kind: "tool-result", id: text(item.call_id), text: text(item.output) ?? shortValue(item.output, 20_000) }] });
      } else if (type === "reasoning") {
        const summary = list(item.summary).map((part) => text(record(part).text) ?? "").join("\n");
        if (summary) appendToAssistant(messages, { kind: "reasoning", text: summary });
      } else if (type === "additional_tools") {
        // Codex puts its tools in an input item.
        tools.push(...responsesTools(item.tools));
      } else if (type) {
        messages.push({ role: text(item.role) ?? "item", parts: [{ kind: "media", label: type }] });
      }
    }
    return { system: text(body.instructions), messages, tools, parameters: [] };
  },

  anthropic: (body) => {
    const system = typeof body.system === "string" ? body.system : list(body.system).map((block) => text(record(block).text) ?? "").join("\n") || undefined;
    const messages = list(body.messages).map((entry): ExchangeMessage => {
      const message = record(entry);
      return { role: text(message.role) ?? "user", parts: anthropicContent(message.content) };
    });
    const tools = list(body.tools).map((tool) => ({ name: text(record(tool).name) ?? text(record(tool).type) ?? "?", description: text(record(tool).description) }));
    return { system, messages, tools, parameters: [] };
  },

  gemini: (body) => {
    const instruction = record(body.systemInstruction ?? body.system_instruction);
    const system = list(instruction.parts).map((part) => text(record(part).text) ?? "").join("\n") || undefined;
    const messages = list(body.contents).map((entry): ExchangeMessage => {
      const content = record(entry);
      return { role: text(content.role) ?? "user", parts: geminiParts(content.parts) };
    });
    const tools: ExchangeTool[] = [];
    for (const tool of list(body.tools)) {
      for (const declaration of list(record(tool).functionDeclarations ?? record(tool).function_declarations)) {
        tools.push({ name: text(record(declaration).name) ?? "?", description: text(record(declaration).description) });
      }
      for (const name of Object.keys(record(tool))) if (name !== "functionDeclarations" && name !== "function_declarations") tools.push({ name });
    }
    return { system, messages, tools, parameters: [] };
  },
};

/** Top-level fields that are not content; Gemini's `generationConfig` is spread out. */
function parametersOf(body: JsonRecord, gemini: boolean): Array<[string, string]> {
  const parameters: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(body)) {
    if (CONTENT_FIELDS.has(name) || value === undefined) continue;
    if (gemini && (name === "generationConfig" || name === "generation_config") && isRecord(value)) {
      for (const [inner, innerValue] of Object.entries(value)) parameters.push([inner, shortValue(innerValue)]);
      continue;
    }
    parameters.push([name, shortValue(value)]);
  }
  return parameters;
}

/** OpenAI content: a string, or parts (text, input_text, output_text, images, files, audio). */
function openaiContent(content: unknown): ExchangePart[] {
  if (typeof content === "string") return content ? [{ kind: "text", text: content }] : [];
  return list(content).map((entry): ExchangePart => {
    const part = record(entry);
    const type = text(part.type) ?? "";
    if (typeof part.text === "string") return { kind: type === "reasoning_text" ? "reasoning" : "text", text: part.text };
    if (typeof part.refusal === "string") return { kind: "text", text: part.refusal };
    return { kind: "media", label: type || "part" };
  });
}

function anthropicContent(content: unknown): ExchangePart[] {
  if (typeof content === "string") return content ? [{ kind: "text", text: content }] : [];
  return list(content).map((entry): ExchangePart => {
    const block = record(entry);
    switch (block.type) {
      case "text":
        return { kind: "text", text: text(block.text) ?? "" };
      case "thinking":
        return { kind: "reasoning", text: text(block.thinking) ?? "" };
      case "redacted_thinking":
        return { kind: "reasoning", text: "[redacted]" };
      case "tool_use":
      case "server_tool_use":
        return { kind: "tool-call", name: text(block.name) ?? "?", id: text(block.id), arguments: JSON.stringify(block.input ?? {}) };
      case "tool_result": {
        const inner = typeof block.content === "string" ? block.content : anthropicContent(block.content).map(partText).join("\n");
        return { kind: "tool-result", id: text(block.tool_use_id), text: inner };
      }
      default:
        return { kind: "media", label: text(block.type) ?? "block" };
    }
  });
}

function geminiParts(parts: unknown): ExchangePart[] {
  return list(parts).map((entry): ExchangePart => {
    const part = record(entry);
    if (typeof part.text === "string") return { kind: part.thought === true ? "reasoning" : "text", text: part.text };
    if (isRecord(part.functionCall)) return { kind: "tool-call", name: text(part.functionCall.name) ?? "?", id: text(part.functionCall.id), arguments: JSON.stringify(part.functionCall.args ?? {}) };
    if (isRecord(part.functionResponse)) {
      const response = part.functionResponse;
      return { kind: "tool-result", name: text(response.name), id: text(response.id), text: JSON.stringify(response.response ?? {}, null, 2) };
    }
    if (isRecord(part.inlineData)) return { kind: "media", label: text(part.inlineData.mimeType) ?? "inline data" };
    if (isRecord(part.fileData)) return { kind: "media", label: text(part.fileData.fileUri) ?? "file" };
    return { kind: "media", label: Object.keys(part)[0] ?? "part" };
  });
}

function responsesTools(tools: unknown): ExchangeTool[] {
  return list(tools).map((entry) => {
    const tool = record(entry);
    return { name: text(tool.name) ?? text(tool.type) ?? "?", description: text(tool.description) };
  });
}

/** Tool calls and reasoning items of Responses input belong to the assistant turn they follow. */
function appendToAssistant(messages: ExchangeMessage[], part: ExchangePart) {
  const last = messages.at(-1);
  if (last?.role === "assistant") last.parts.push(part);
  else messages.push({ role: "assistant", parts: [part] });
}

function partText(part: ExchangePart): string {
  if (part.kind === "text" || part.kind === "reasoning" || part.kind === "tool-result") return part.text;
  if (part.kind === "tool-call") return `${part.name}(${part.arguments})`;
  return `[${part.label}]`;
}

function partsText(parts: ExchangePart[]): string {
  return parts.map(partText).join("\n");
}
