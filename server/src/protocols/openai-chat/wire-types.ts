/**
 * The OpenAI Chat Completions wire shapes, as far as the gateway reads or writes them.
 * Deliberately loose: every field is optional and unknown fields pass through untouched,
 * because clients and OpenAI-compatible vendors all bend the format a little.
 * https://platform.openai.com/docs/api-reference/chat
 */

// ---------------------------------------------------------------- request

export interface ChatTextPart {
  type: "text";
  text?: string;
}

/** Some clients send `image_url` as a bare string instead of `{ url }`. */
export interface ChatImagePart {
  type: "image_url";
  image_url?: { url?: string; detail?: string } | string;
}

export interface ChatAudioPart {
  type: "input_audio";
  input_audio?: { data?: string; format?: string };
}

export interface ChatFilePart {
  type: "file";
  file?: { file_data?: string; file_id?: string; filename?: string };
}

/** Assistant messages may carry a refusal part. */
export interface ChatRefusalPart {
  type: "refusal";
  refusal?: string;
}

export type ChatContentPart = ChatTextPart | ChatImagePart | ChatAudioPart | ChatFilePart | ChatRefusalPart;

export interface ChatFunctionCall {
  name?: string;
  arguments?: string;
}

/** A tool call in an assistant message or a response (`function` or OpenAI's free-form `custom`). */
export interface ChatToolCall {
  id?: string;
  type?: "function" | "custom";
  function?: ChatFunctionCall;
  custom?: { name?: string; input?: string };
}

export interface ChatMessage {
  role?: "system" | "developer" | "user" | "assistant" | "tool" | "function";
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[] | null;
  /** Legacy single function call (pre-`tools` API). */
  function_call?: ChatFunctionCall | null;
  tool_call_id?: string;
  refusal?: string | null;
  /** DeepSeek / Qwen / vLLM reasoning text. */
  reasoning_content?: string | null;
  /** OpenRouter / newer vLLM reasoning text. */
  reasoning?: string | null;
}

export interface ChatFunctionDefinition {
  name?: string;
  description?: string;
  parameters?: unknown;
  strict?: boolean | null;
}

export interface ChatTool {
  type?: "function" | "custom";
  function?: ChatFunctionDefinition;
  custom?: { name?: string; description?: string; format?: unknown };
}

export type ChatToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type?: "function"; function?: { name?: string } }
  | { type?: "custom"; custom?: { name?: string } }
  | { type?: "allowed_tools"; allowed_tools?: { mode?: "auto" | "required"; tools?: unknown[] } };

export interface ChatResponseFormat {
  type?: "text" | "json_object" | "json_schema";
  json_schema?: { name?: string; description?: string; schema?: unknown; strict?: boolean | null };
}

export interface ChatRequest {
  model?: string;
  messages?: ChatMessage[];
  tools?: ChatTool[];
  /** Legacy function definitions. */
  functions?: ChatFunctionDefinition[];
  tool_choice?: ChatToolChoice;
  /** Legacy counterpart of `tool_choice`. */
  function_call?: "auto" | "none" | { name?: string };
  parallel_tool_calls?: boolean;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  response_format?: ChatResponseFormat;
  reasoning_effort?: string | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  user?: string;
  n?: number | null;
}

// ---------------------------------------------------------------- response

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek reports cache hits here instead of `prompt_tokens_details`. */
  prompt_cache_hit_tokens?: number;
}

export interface ChatChoice {
  index?: number;
  message?: ChatMessage;
  finish_reason?: string | null;
}

export interface ChatCompletion {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: ChatChoice[];
  usage?: ChatUsage | null;
}

/** One entry of `delta.tool_calls`: `index` names the call across chunks. */
export interface ChatToolCallDelta extends ChatToolCall {
  index?: number;
}

export interface ChatDelta {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ChatToolCallDelta[] | null;
  function_call?: ChatFunctionCall | null;
}

export interface ChatChunkChoice {
  index?: number;
  delta?: ChatDelta;
  finish_reason?: string | null;
}

export interface ChatCompletionChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: ChatChunkChoice[];
  usage?: ChatUsage | null;
  /** Vendors (and this gateway) report failures inside a 200 stream this way. */
  error?: ChatErrorBody | string;
}

// ---------------------------------------------------------------- errors

export interface ChatErrorBody {
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | number | null;
}

// ---------------------------------------------------------------- embeddings

export interface EmbeddingsRequestBody {
  model?: string;
  input?: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: "float" | "base64";
  user?: string;
}

export interface EmbeddingsResponseBody {
  object?: string;
  data?: Array<{ object?: string; index?: number; embedding?: number[] | string }>;
  model?: string;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}
