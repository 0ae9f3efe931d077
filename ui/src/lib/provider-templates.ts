import type { MessageKey } from "./i18n/index.ts";
import type { Endpoint, ProviderType } from "@llmio/contract";

/** What the form shows for each wire protocol. */
export interface ProviderTypeInfo {
  type: ProviderType;
  label: string;
  /** How the key is sent upstream (shown as a hint). */
  keyHeader: string;
  baseUrlPlaceholder: string;
  baseUrlHint: MessageKey;
  /** Endpoints this protocol can serve. */
  endpoints: Endpoint[];
}

export const PROVIDER_TYPES: ProviderTypeInfo[] = [
  {
    type: "openai",
    label: "OpenAI Chat Completions",
    keyHeader: "Authorization: Bearer",
    baseUrlPlaceholder: "https://api.openai.com/v1",
    baseUrlHint: "providers.hint.baseUrlOpenai",
    endpoints: ["chat", "embeddings", "count_tokens"],
  },
  {
    type: "openai-responses",
    label: "OpenAI Responses",
    keyHeader: "Authorization: Bearer",
    baseUrlPlaceholder: "https://api.openai.com/v1",
    baseUrlHint: "providers.hint.baseUrlOpenai",
    endpoints: ["chat", "embeddings", "count_tokens"],
  },
  {
    type: "anthropic",
    label: "Anthropic Messages",
    keyHeader: "x-api-key",
    baseUrlPlaceholder: "https://api.anthropic.com/v1",
    baseUrlHint: "providers.hint.baseUrlAnthropic",
    endpoints: ["chat", "count_tokens"],
  },
  {
    type: "gemini",
    label: "Google Gemini",
    keyHeader: "x-goog-api-key",
    baseUrlPlaceholder: "https://generativelanguage.googleapis.com/v1beta",
    baseUrlHint: "providers.hint.baseUrlGemini",
    endpoints: ["chat", "embeddings", "count_tokens"],
  },
];

export function providerTypeInfo(type: ProviderType): ProviderTypeInfo {
  return PROVIDER_TYPES.find((info) => info.type === type) ?? PROVIDER_TYPES[0];
}

/** A starting point for a new provider: vendor defaults the form is filled with. */
export interface ProviderTemplate {
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  consoleUrl?: string;
  /** Where to get a key (shown as a link). */
  keysUrl?: string;
  /** Local servers need no key. */
  keyOptional?: boolean;
  /** A UnoCSS class for the template's badge colour. */
  color: string;
}

export const PROVIDER_TEMPLATES: ProviderTemplate[] = [
  { id: "openai", name: "OpenAI", type: "openai", baseUrl: "https://api.openai.com/v1", keysUrl: "https://platform.openai.com/api-keys", consoleUrl: "https://platform.openai.com/usage", color: "bg-emerald-600" },
  { id: "anthropic", name: "Anthropic", type: "anthropic", baseUrl: "https://api.anthropic.com/v1", keysUrl: "https://console.anthropic.com/settings/keys", consoleUrl: "https://console.anthropic.com", color: "bg-orange-600" },
  { id: "gemini", name: "Gemini", type: "gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta", keysUrl: "https://aistudio.google.com/apikey", consoleUrl: "https://aistudio.google.com", color: "bg-blue-600" },
  { id: "deepseek", name: "DeepSeek", type: "openai", baseUrl: "https://api.deepseek.com/v1", keysUrl: "https://platform.deepseek.com/api_keys", consoleUrl: "https://platform.deepseek.com/usage", color: "bg-sky-700" },
  { id: "dashscope", name: "Qwen / DashScope", type: "openai", baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", keysUrl: "https://bailian.console.aliyun.com/?apiKey=1", consoleUrl: "https://bailian.console.aliyun.com", color: "bg-violet-600" },
  { id: "openrouter", name: "OpenRouter", type: "openai", baseUrl: "https://openrouter.ai/api/v1", keysUrl: "https://openrouter.ai/settings/keys", consoleUrl: "https://openrouter.ai/activity", color: "bg-slate-700" },
  { id: "siliconflow", name: "SiliconFlow", type: "openai", baseUrl: "https://api.siliconflow.cn/v1", keysUrl: "https://cloud.siliconflow.cn/account/ak", consoleUrl: "https://cloud.siliconflow.cn", color: "bg-purple-600" },
  { id: "moonshot", name: "Moonshot / Kimi", type: "openai", baseUrl: "https://api.moonshot.cn/v1", keysUrl: "https://platform.moonshot.cn/console/api-keys", color: "bg-zinc-700" },
  { id: "zhipu", name: "Zhipu GLM", type: "openai", baseUrl: "https://open.bigmodel.cn/api/paas/v4", keysUrl: "https://open.bigmodel.cn/usercenter/apikeys", color: "bg-indigo-600" },
  { id: "groq", name: "Groq", type: "openai", baseUrl: "https://api.groq.com/openai/v1", keysUrl: "https://console.groq.com/keys", color: "bg-red-600" },
  { id: "xai", name: "xAI", type: "openai", baseUrl: "https://api.x.ai/v1", keysUrl: "https://console.x.ai", color: "bg-neutral-800" },
  { id: "mistral", name: "Mistral", type: "openai", baseUrl: "https://api.mistral.ai/v1", keysUrl: "https://console.mistral.ai/api-keys", color: "bg-amber-600" },
  { id: "ollama", name: "Ollama", type: "openai", baseUrl: "http://127.0.0.1:11434/v1", keyOptional: true, color: "bg-stone-600" },
  { id: "custom", name: "Custom", type: "openai", baseUrl: "", color: "bg-zinc-500" },
];

/** The template whose base URL a provider uses (for its badge), else undefined. */
export function templateOf(baseUrl: string): ProviderTemplate | undefined {
  const normalized = baseUrl.replace(/\/+$/, "");
  return PROVIDER_TEMPLATES.find((template) => template.baseUrl && normalized.startsWith(template.baseUrl.replace(/\/v\d.*$/, "")));
}

/** Keys typed one per line (or separated by commas/spaces) → a clean list; masked keys stay as they are. */
export function parseKeys(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((key) => key.trim()).filter(Boolean))];
}
