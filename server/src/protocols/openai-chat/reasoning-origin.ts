/**
 * The `origin` tag on reasoning this protocol produced. Chat can replay only its own
 * reasoning (`reasoning_content`, which DeepSeek's thinking mode wants back during tool calls).
 */
export const REASONING_ORIGIN = "openai-chat";
