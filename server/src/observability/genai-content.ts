import type { CanonicalRequest, CanonicalResponse, ContentPart } from "../core/canonical.ts";

/** One part as the GenAI conventions' message schemas write it (gen-ai-input-messages.json / output). */
type GenAiPart =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "tool_call_response"; id: string; response: string }
  | { type: "uri"; modality: string; uri: string }
  | { type: "blob"; modality: string; mime_type?: string };

/** `gen_ai.system_instructions`, `gen_ai.input.messages` and `gen_ai.output.messages` as JSON strings, each cut at `maxChars`. */
export function genAiContent(request: CanonicalRequest, response: CanonicalResponse | undefined, maxChars: number): Record<string, string> {
  const cut = (value: unknown) => JSON.stringify(value).slice(0, maxChars);
  const content: Record<string, string> = {
    "gen_ai.input.messages": cut(request.messages.map((message) => ({ role: message.role, parts: message.content.map(partOf) }))),
  };
  if (request.system.length > 0) content["gen_ai.system_instructions"] = cut(request.system.map((part) => ({ type: "text", content: part.text })));
  if (response) {
    content["gen_ai.output.messages"] = cut([{ role: "assistant", parts: response.content.map(partOf), finish_reason: response.finishReason }]);
  }
  return content;
}

function partOf(part: ContentPart): GenAiPart {
  switch (part.type) {
    case "text":
      return { type: "text", content: part.text };
    case "reasoning":
      return { type: "reasoning", content: part.text };
    case "tool-call":
      return { type: "tool_call", id: part.id, name: part.name, arguments: part.arguments };
    case "tool-result":
      return { type: "tool_call_response", id: part.callId, response: part.content.map((inner) => (inner.type === "text" ? inner.text : "[image]")).join("") };
    case "image":
      // Inline data is never copied into a span; a URL (not a data: one) is.
      return part.url && !part.url.startsWith("data:") ? { type: "uri", modality: "image", uri: part.url } : { type: "blob", modality: "image", mime_type: part.mediaType };
    case "file":
      return part.url && !part.url.startsWith("data:") ? { type: "uri", modality: "document", uri: part.url } : { type: "blob", modality: "document", mime_type: part.mediaType };
  }
}
