/**
 * The OpenAI Responses wire shapes this codec reads and writes
 * (https://platform.openai.com/docs/api-reference/responses). Deliberately loose: every
 * field is optional and unknown fields pass through untouched, so a new item type or
 * field never crashes a decode.
 */

export type WireJson = string | number | boolean | null | WireJson[] | { [key: string]: WireJson };

// ---------------------------------------------------------------- request

/**
 * One content part: `input_text` / `output_text` / `summary_text` / `reasoning_text` (text),
 * `refusal`, `input_image` (image_url or file_id, detail), `input_file` (file_data as a
 * data URL, file_id, file_url, filename).
 */
export interface WireContentPart {
  type?: string;
  text?: string;
  refusal?: string;
  image_url?: string | null;
  file_id?: string | null;
  file_data?: string;
  file_url?: string;
  filename?: string;
  detail?: string;
  annotations?: WireJson[];
}

export interface WireMessageItem {
  type?: "message";
  id?: string;
  role?: "user" | "assistant" | "system" | "developer";
  content?: string | WireContentPart[];
  status?: string;
  phase?: string | null;
}

export interface WireFunctionCallItem {
  type: "function_call";
  id?: string;
  call_id?: string;
  name?: string;
  /** Namespace of the tool when it was declared inside a `namespace` tool group. */
  namespace?: string;
  arguments?: string;
  status?: string;
}

export interface WireCustomToolCallItem {
  type: "custom_tool_call";
  id?: string;
  call_id?: string;
  name?: string;
  namespace?: string;
  input?: string;
  status?: string;
}

export interface WireToolOutputItem {
  type: "function_call_output" | "custom_tool_call_output";
  id?: string;
  call_id?: string;
  output?: string | WireContentPart[];
  status?: string;
}

export interface WireReasoningItem {
  type: "reasoning";
  id?: string;
  summary?: WireContentPart[];
  content?: WireContentPart[];
  encrypted_content?: string | null;
  status?: string;
}

/** Codex "responses lite": tools declared at a position in the input instead of in `tools`. */
export interface WireAdditionalToolsItem {
  type: "additional_tools";
  id?: string;
  role?: string;
  tools?: WireTool[];
}

export type WireInputItem =
  | WireMessageItem
  | WireFunctionCallItem
  | WireCustomToolCallItem
  | WireToolOutputItem
  | WireReasoningItem
  | WireAdditionalToolsItem
  | { type?: string; [key: string]: unknown };

/**
 * A tool: `function` (name, description, parameters, strict), `custom` (name, description,
 * format), `namespace` (name, description, tools), or a built-in (`web_search`, `tool_search` …).
 */
export interface WireTool {
  type?: string;
  name?: string;
  description?: string | null;
  parameters?: WireJson;
  strict?: boolean | null;
  format?: WireJson;
  tools?: WireTool[];
  [key: string]: unknown;
}

export type WireToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type?: "function" | "custom" | string; name?: string; [key: string]: unknown };

export type WireTextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema?: WireJson; strict?: boolean | null; description?: string };

export interface WireRequest {
  model?: string;
  input?: string | WireInputItem[];
  instructions?: string | null;
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null; [key: string]: unknown } | null;
  text?: { format?: WireTextFormat; verbosity?: string | null; [key: string]: unknown } | null;
  stream?: boolean;
  store?: boolean;
  include?: string[];
  user?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- response

export interface WireUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens?: number;
}

export interface WireOutputText {
  type: "output_text";
  text: string;
  annotations: WireJson[];
  logprobs?: WireJson[];
}

export type WireOutputItem =
  | (WireMessageItem & { type: "message" })
  | WireFunctionCallItem
  | WireCustomToolCallItem
  | WireReasoningItem
  | { type?: string; id?: string; [key: string]: unknown };

export interface WireResponseError {
  code?: string | null;
  message?: string;
  param?: string | null;
  type?: string | null;
}

export interface WireResponse {
  id?: string;
  object?: "response";
  created_at?: number;
  status?: "completed" | "incomplete" | "failed" | "in_progress" | "queued" | "cancelled" | string;
  model?: string;
  output?: WireOutputItem[];
  usage?: WireUsage | null;
  error?: WireResponseError | null;
  incomplete_details?: { reason?: string } | null;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- stream

/** One Responses stream event; `type` always equals the SSE `event:` name. */
export interface WireStreamEvent {
  type?: string;
  sequence_number?: number;
  response?: WireResponse;
  item?: WireOutputItem;
  item_id?: string;
  output_index?: number;
  content_index?: number;
  summary_index?: number;
  delta?: string;
  text?: string;
  refusal?: string;
  arguments?: string;
  input?: string;
  part?: { type?: string; text?: string; refusal?: string };
  /** `error` events carry these at the top level. */
  code?: string | null;
  message?: string;
  param?: string | null;
  error?: WireResponseError;
}

/** `{ error: { message, type, param, code } }`, shared with Chat Completions. */
export interface WireErrorBody {
  error?: { message?: string; type?: string; param?: string | null; code?: string | number | null } | string;
  message?: string;
}
