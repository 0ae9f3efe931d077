import type { CanonicalRequest, CanonicalResponse } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { newId, responseIdOf } from "./ids.ts";
import { messageItem, reasoningItem, toolCallItem } from "./output-items.ts";
import { responseObject } from "./response-object.ts";

/** Canonical response → the Response object a non-streaming Responses client receives. */
export function encodeResponse(response: CanonicalResponse, request: CanonicalRequest): JsonObject {
  const output: JsonObject[] = [];
  let texts: string[] = [];
  const flushTexts = () => {
    if (texts.length === 0) return;
    output.push(messageItem(newId("msg"), texts, "completed"));
    texts = [];
  };
  for (const part of response.content) {
    if (part.type === "text") {
      texts.push(part.text);
      continue;
    }
    flushTexts();
    if (part.type === "reasoning") output.push(reasoningItem(part.itemId ?? newId("rs"), part));
    else output.push(toolCallItem(newId(part.kind === "custom" ? "ctc" : "fc"), part, "completed", request));
  }
  flushTexts();

  const finish = encodeFinishReason(response.finishReason);
  return responseObject(
    {
      id: responseIdOf(response.id),
      model: response.model || request.model,
      createdAt: response.created ?? Math.floor(Date.now() / 1000),
      status: finish.status,
      output,
      usage: response.usage,
      error: finish.status === "failed" ? { code: "server_error", message: "The model failed to complete the response." } : null,
      incompleteDetails: finish.incompleteDetails,
    },
    request,
  );
}
