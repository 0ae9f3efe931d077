/**
 * The Gemini `generativelanguage` v1beta wire shapes this protocol reads and writes, kept
 * minimal and tolerant: every field is optional and unknown fields pass through untouched.
 * https://ai.google.dev/api/generate-content
 */

export interface GeminiBlob {
  mimeType?: string;
  /** Base64. */
  data?: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri?: string;
}

export interface GeminiFunctionCall {
  /** Gemini often omits it; Gemini CLI and the SDKs fill their own. */
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  id?: string;
  name?: string;
  /** Documented keys: `output` for the result, `error` for a failure; otherwise the whole object is the output. */
  response?: Record<string, unknown>;
  /** Gemini 3 multimodal function responses. */
  parts?: GeminiPart[];
}

export interface GeminiPart {
  text?: string;
  /** True for a thought summary part. */
  thought?: boolean;
  /** Opaque, base64; must be replayed on the part it came with. */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name?: string;
  description?: string;
  /** OpenAPI-subset schema (upper-case types allowed). */
  parameters?: unknown;
  /** Full JSON Schema. */
  parametersJsonSchema?: unknown;
  response?: unknown;
  responseJsonSchema?: unknown;
}

/** A tool entry: function declarations or one of Google's built-in tools (googleSearch, codeExecution …). */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [builtIn: string]: unknown;
}

export interface GeminiToolConfig {
  functionCallingConfig?: {
    mode?: string;
    allowedFunctionNames?: string[];
  };
  [other: string]: unknown;
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
  /** Gemini 3: MINIMAL | LOW | MEDIUM | HIGH. */
  thinkingLevel?: string;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: unknown;
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
  [other: string]: unknown;
}

export interface GeminiRequest {
  /** Only in countTokens' `generateContentRequest` and batch embedding requests. */
  model?: string;
  contents?: GeminiContent[];
  systemInstruction?: GeminiContent | string;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  [other: string]: unknown;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** Present instead of the rest when the chunk is an error. */
  error?: GeminiErrorDetail;
}

/** `google.rpc.Status` as the REST API renders it. */
export interface GeminiErrorDetail {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

export interface GeminiErrorBody {
  error?: GeminiErrorDetail;
}

export interface GeminiCountTokensRequest {
  contents?: GeminiContent[];
  generateContentRequest?: GeminiRequest;
}

export interface GeminiEmbedContentRequest {
  model?: string;
  content?: GeminiContent;
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedRequest {
  requests?: GeminiEmbedContentRequest[];
}
