/**
 * The Anthropic Messages wire shapes this protocol reads and writes. Deliberately loose:
 * every field is optional and unknown fields are allowed, because decoders must tolerate
 * whatever clients and upstreams send. https://docs.claude.com/en/api/messages
 */

export type AnthropicCacheControl = { type: string; ttl?: string } & Record<string, unknown>;

export interface AnthropicTextBlock {
  type: "text";
  text?: string;
  cache_control?: AnthropicCacheControl | null;
  citations?: unknown;
}

export type AnthropicSource =
  | { type: "base64"; media_type?: string; data?: string }
  | { type: "url"; url?: string }
  | { type: "file"; file_id?: string }
  | { type: "text"; media_type?: string; data?: string }
  | { type: "content"; content?: string | AnthropicContentBlock[] };

export interface AnthropicImageBlock {
  type: "image";
  source?: AnthropicSource;
  cache_control?: AnthropicCacheControl | null;
}

export interface AnthropicDocumentBlock {
  type: "document";
  source?: AnthropicSource;
  title?: string | null;
  context?: string | null;
  cache_control?: AnthropicCacheControl | null;
}

export interface AnthropicToolUseBlock {
  type: "tool_use";
  id?: string;
  name?: string;
  input?: unknown;
  cache_control?: AnthropicCacheControl | null;
}

export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id?: string;
  content?: string | AnthropicContentBlock[];
  is_error?: boolean;
  cache_control?: AnthropicCacheControl | null;
}

/** Inside a `tool_result` (client-side tool search): loads the named `defer_loading` tool. */
export interface AnthropicToolReferenceBlock {
  type: "tool_reference";
  tool_name?: string;
}

export interface AnthropicThinkingBlock {
  type: "thinking";
  thinking?: string;
  signature?: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: "redacted_thinking";
  data?: string;
}

/** Any block type we do not model (server tool results, search results, containers …). */
export interface AnthropicOtherBlock {
  type: string;
  [key: string]: unknown;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicToolReferenceBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

export interface AnthropicMessage {
  /** `system` appears mid-conversation with the `mid-conversation-system-*` beta (Claude Code ≥ 2.1). */
  role?: "user" | "assistant" | "system" | string;
  content?: string | AnthropicContentBlock[];
}

export interface AnthropicTool {
  /** Absent or "custom" for client tools; server tools carry a versioned type (`web_search_20250305`). */
  type?: string;
  name?: string;
  description?: string;
  input_schema?: unknown;
  strict?: boolean;
  /** Tool search: hidden from the model until a `tool_reference` block loads it. */
  defer_loading?: boolean;
  cache_control?: AnthropicCacheControl | null;
}

export type AnthropicToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export type AnthropicThinkingConfig =
  | { type: "enabled"; budget_tokens?: number; display?: string }
  | { type: "adaptive"; budget_tokens?: number; display?: string }
  | { type: "disabled" };

export interface AnthropicRequest {
  model?: string;
  messages?: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  thinking?: AnthropicThinkingConfig;
  metadata?: { user_id?: string } & Record<string, unknown>;
  output_config?: { effort?: string; format?: { type?: string; schema?: unknown } } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [key: string]: unknown;
}

export interface AnthropicResponse {
  id?: string;
  type?: "message";
  role?: "assistant";
  model?: string;
  content?: AnthropicContentBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

export interface AnthropicErrorBody {
  type?: "error";
  error?: { type?: string; message?: string };
  request_id?: string;
}

// ---------------------------------------------------------------- stream events

export type AnthropicDelta =
  | { type: "text_delta"; text?: string }
  | { type: "thinking_delta"; thinking?: string }
  | { type: "signature_delta"; signature?: string }
  | { type: "input_json_delta"; partial_json?: string }
  | { type: "citations_delta"; citation?: unknown };

export type AnthropicStreamEvent =
  | { type: "message_start"; message?: AnthropicResponse }
  | { type: "content_block_start"; index?: number; content_block?: AnthropicContentBlock }
  | { type: "content_block_delta"; index?: number; delta?: AnthropicDelta }
  | { type: "content_block_stop"; index?: number }
  | { type: "message_delta"; delta?: { stop_reason?: string | null; stop_sequence?: string | null }; usage?: AnthropicUsage }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error?: { type?: string; message?: string } };
