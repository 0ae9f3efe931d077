import type { CanonicalRequest } from "../../core/canonical.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { encodeUsage } from "./usage.ts";

export interface ResponseObjectFields {
  id: string;
  model: string;
  createdAt: number;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: JsonObject[];
  usage?: Partial<Usage>;
  error?: { code: string; message: string } | null;
  incompleteDetails?: { reason: string } | null;
}

/**
 * The Response object (https://platform.openai.com/docs/api-reference/responses/object).
 * Request settings are echoed back except `tools` and `instructions`, which can be tens of
 * kilobytes (Codex) and which no client reads back.
 */
export function responseObject(fields: ResponseObjectFields, request: CanonicalRequest | undefined): JsonObject {
  const reasoning = request?.reasoning;
  const format = request?.responseFormat;
  return {
    id: fields.id,
    object: "response",
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: null,
    max_output_tokens: request?.maxOutputTokens ?? null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: request?.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: reasoning?.effort ?? null, summary: reasoning?.summary ?? null },
    store: false,
    temperature: request?.temperature ?? null,
    text: {
      format:
        format?.type === "json-schema"
          ? { type: "json_schema", name: format.name ?? "response", schema: format.schema, strict: format.strict ?? false }
          : { type: format?.type === "json" ? "json_object" : "text" },
    },
    tool_choice: typeof request?.toolChoice === "object" ? { type: "function", name: request.toolChoice.name } : (request?.toolChoice ?? "auto"),
    tools: [],
    top_p: request?.topP ?? null,
    truncation: "disabled",
    usage: fields.status === "in_progress" || (fields.status === "failed" && !fields.usage) ? null : encodeUsage(fields.usage),
    metadata: {},
  };
}
