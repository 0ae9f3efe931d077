import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { ChatAnthropic } from "@langchain/anthropic";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool as langchainTool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { APICallError, generateObject, generateText, type LanguageModel, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { parseSseJson } from "../src/protocols/test-kit/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/**
 * Conformance with the client libraries most TypeScript agents and apps are built on, besides
 * the official SDKs: the Vercel AI SDK (`ai` with its OpenAI Chat, OpenAI Responses, Anthropic
 * and Google providers) and LangChain JS (ChatOpenAI, ChatAnthropic). Each library talks to
 * the gateway in its own protocol; the gateway serves every one of them from each of the four
 * provider types (the fake upstream): text, stream, a tool round trip, structured output
 * (generateObject / withStructuredOutput with a JSON schema), usage, and a 429 the library
 * surfaces as a rate-limit error (its retries off).
 */

// The AI SDK warns (on stderr) about model ids it does not know, such as the gateway's.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const PROVIDERS = ["openai", "openai-responses", "anthropic", "gemini"] as const;
type ProviderType = (typeof PROVIDERS)[number];

const CITY = z.object({ city: z.string(), population: z.number(), tags: z.array(z.string()) });
/** What the fake upstream answers for CITY's JSON schema (see src/fake-upstream/structured.ts). */
const CITY_ANSWER = { city: "text", population: 1, tags: ["text"] };
const WEATHER_QUESTION = "What is the weather in Paris?";

interface Answer {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** One client library speaking one protocol; every call goes to the gateway model `model`. */
interface LibraryClient {
  text(model: string, prompt: string): Promise<Answer>;
  stream(model: string, prompt: string): Promise<Answer>;
  /** Asks about the weather, runs the tool the model calls, sends its result back; returns the call and the final text. */
  toolRoundTrip(model: string): Promise<{ name: string; args: unknown; finalText: string }>;
  structured(model: string): Promise<unknown>;
  /** The error the library throws for a 429: its HTTP status as the library reports it. */
  rateLimitStatus(model: string): Promise<number | undefined>;
}

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  for (const type of PROVIDERS) {
    const baseUrl = type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`;
    await configureModel(gateway, `via-${type}`, [{ name: `fake-${type}`, type, baseUrl, providerModel: "fake-model" }]);
    await configureModel(gateway, `limited-${type}`, [{ name: `limited-${type}`, type, baseUrl, providerModel: "fake-model+status=429+retry-after=1" }], {
      maxRetry: 0,
    });
  }
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

// ---------------------------------------------------------------- Vercel AI SDK

function aiSdkClient(languageModel: (model: string) => LanguageModel, providerOptions: Record<string, Record<string, string | boolean>> = {}): LibraryClient {
  const weather = tool({
    description: "Current weather for a place",
    inputSchema: z.object({ location: z.string() }),
    execute: async ({ location }) => `Sunny in ${location}`,
  });
  return {
    async text(model, prompt) {
      const result = await generateText({ model: languageModel(model), prompt, maxRetries: 0, providerOptions });
      return { text: result.text, inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 };
    },
    async stream(model, prompt) {
      let failure: unknown;
      const result = streamText({ model: languageModel(model), prompt, maxRetries: 0, providerOptions, onError: ({ error }) => void (failure = error) });
      let text = "";
      for await (const delta of result.textStream) text += delta;
      if (failure) throw failure;
      const usage = await result.usage;
      return { text, inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
    },
    async toolRoundTrip(model) {
      const result = await generateText({
        model: languageModel(model),
        prompt: WEATHER_QUESTION,
        tools: { get_weather: weather },
        stopWhen: stepCountIs(2),
        maxRetries: 0,
        providerOptions,
      });
      const call = result.steps[0]?.toolCalls[0];
      return { name: call?.toolName ?? "", args: call?.input, finalText: result.text };
    },
    async structured(model) {
      const result = await generateObject({ model: languageModel(model), schema: CITY, prompt: "Describe a city.", maxRetries: 0, providerOptions });
      return result.object;
    },
    async rateLimitStatus(model) {
      try {
        await generateText({ model: languageModel(model), prompt: "hello", maxRetries: 0, providerOptions });
      } catch (error) {
        return APICallError.isInstance(error) ? error.statusCode : undefined;
      }
      throw new Error("the 429 was not surfaced");
    },
  };
}

// ---------------------------------------------------------------- LangChain JS

function langchainClient(chatModel: (model: string) => BaseChatModel): LibraryClient {
  const weather = langchainTool(async ({ location }: { location: string }) => `Sunny in ${location}`, {
    name: "get_weather",
    description: "Current weather for a place",
    schema: z.object({ location: z.string() }),
  });
  const usageOf = (message: AIMessage | AIMessageChunk) => ({
    inputTokens: message.usage_metadata?.input_tokens ?? 0,
    outputTokens: message.usage_metadata?.output_tokens ?? 0,
  });
  return {
    async text(model, prompt) {
      const message = await chatModel(model).invoke(prompt);
      return { text: message.text, ...usageOf(message) };
    },
    async stream(model, prompt) {
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await chatModel(model).stream(prompt)) whole = whole ? whole.concat(chunk) : chunk;
      if (!whole) throw new Error("the stream was empty");
      return { text: whole.text, ...usageOf(whole) };
    },
    async toolRoundTrip(model) {
      const withTools = chatModel(model).bindTools!([weather]);
      const question = new HumanMessage(WEATHER_QUESTION);
      const first = await withTools.invoke([question]);
      const call = first.tool_calls?.[0];
      if (!call?.id) throw new Error(`no tool call in ${JSON.stringify(first)}`);
      const result = await weather.invoke(call.args as { location: string });
      const final = await withTools.invoke([question, first, new ToolMessage({ tool_call_id: call.id, content: String(result) })]);
      return { name: call.name, args: call.args, finalText: final.text };
    },
    async structured(model) {
      return chatModel(model).withStructuredOutput(CITY, { name: "city", method: "jsonSchema" }).invoke("Describe a city.");
    },
    async rateLimitStatus(model) {
      try {
        await chatModel(model).invoke("hello");
      } catch (error) {
        return (error as { status?: number }).status;
      }
      throw new Error("the 429 was not surfaced");
    },
  };
}

function libraries(): Record<string, LibraryClient> {
  const openai = createOpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1` });
  const anthropic = createAnthropic({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1` });
  const google = createGoogleGenerativeAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1beta` });
  return {
    "ai-sdk openai chat": aiSdkClient((model) => openai.chat(model)),
    // store: false: the conversation travels whole, as with any gateway that keeps no response store.
    "ai-sdk openai responses": aiSdkClient((model) => openai.responses(model), { openai: { store: false } }),
    // Native structured outputs (output_config.format): the gateway's model names are not Claude ids the library knows.
    "ai-sdk anthropic": aiSdkClient((model) => anthropic(model), { anthropic: { structuredOutputMode: "outputFormat" } }),
    "ai-sdk google": aiSdkClient((model) => google(model)),
    "langchain ChatOpenAI": langchainClient(
      (model) => new ChatOpenAI({ model, apiKey: TEST_TOKEN, configuration: { baseURL: `${gateway.url}/v1` }, maxRetries: 0, streamUsage: true }),
    ),
    "langchain ChatAnthropic": langchainClient((model) => new ChatAnthropic({ model, apiKey: TEST_TOKEN, anthropicApiUrl: gateway.url, maxRetries: 0 })),
  };
}

/** Where each provider type carries the requested schema upstream, as the fake received it. */
function upstreamSchema(type: ProviderType): unknown {
  const body = upstream.lastRequest?.body as Record<string, any>;
  switch (type) {
    case "openai":
      return body.response_format?.json_schema?.schema;
    case "openai-responses":
      return body.text?.format?.schema;
    case "anthropic":
      return body.output_config?.format?.schema;
    case "gemini":
      return body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema;
  }
}

describe("client libraries through the gateway", () => {
  const names = ["ai-sdk openai chat", "ai-sdk openai responses", "ai-sdk anthropic", "ai-sdk google", "langchain ChatOpenAI", "langchain ChatAnthropic"];
  for (const name of names) {
    describe(name, () => {
      for (const provider of PROVIDERS) {
        const model = `via-${provider}`;
        test(`→ ${provider}: text with usage`, async () => {
          const answer = await libraries()[name].text(model, "hello library");
          expect(answer.text).toBe("Echo: hello library");
          expect(answer.inputTokens).toBeGreaterThan(0);
          expect(answer.outputTokens).toBeGreaterThan(0);
        });

        test(`→ ${provider}: stream with usage`, async () => {
          const answer = await libraries()[name].stream(model, "stream this please");
          expect(answer.text).toBe("Echo: stream this please");
          expect(answer.inputTokens).toBeGreaterThan(0);
          expect(answer.outputTokens).toBeGreaterThan(0);
        });

        test(`→ ${provider}: tool round trip`, async () => {
          const result = await libraries()[name].toolRoundTrip(model);
          expect(result.name).toBe("get_weather");
          expect(result.args).toEqual({ location: "Paris" });
          expect(result.finalText).toBe(`Echo: ${WEATHER_QUESTION}`);
          expect(JSON.stringify(upstream.lastRequest?.body)).toContain("Sunny in Paris");
        });

        test(`→ ${provider}: structured output with a JSON schema`, async () => {
          expect(await libraries()[name].structured(model)).toEqual(CITY_ANSWER);
          // The schema reached the provider in its own structured-output field (never a prompt instruction).
          expect(JSON.stringify(upstreamSchema(provider))).toContain("population");
          if (provider === "anthropic") expect(JSON.stringify((upstream.lastRequest?.body as { system?: unknown }).system ?? "")).not.toContain("JSON schema");
        });

        test(`→ ${provider}: a 429 surfaces as a rate-limit error`, async () => {
          expect(await libraries()[name].rateLimitStatus(`limited-${provider}`)).toBe(429);
        });
      }
    });
  }
});

describe("an Anthropic stream translated from another provider", () => {
  for (const provider of ["openai", "openai-responses", "gemini"] as const) {
    test(`← ${provider}: message_start carries the gateway's count of the prompt, message_delta the upstream's exact numbers`, async () => {
      const prompt = "count these words for me please ".repeat(40);
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": TEST_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify({ model: `via-${provider}`, max_tokens: 100, stream: true, messages: [{ role: "user", content: prompt }] }),
      });
      const events = (await parseSseJson(await response.text())).map((frame) => frame.data);
      const start = events.find((event) => event.type === "message_start")!;
      const delta = events.find((event) => event.type === "message_delta")!;
      // The fake upstream counts ceil(characters / 4); the gateway's count is the tokenizer's or characters / 4.
      expect(start.message.usage.input_tokens).toBeGreaterThan(100);
      expect(delta.usage.input_tokens).toBe(Math.ceil(prompt.length / 4));
    });
  }
});

describe("a strict JSON schema routed to an Anthropic provider", () => {
  test("with keywords Anthropic cannot enforce: refused with a 400 in the client's shape, naming them; nothing sent upstream", async () => {
    const before = upstream.lastRequest;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "via-anthropic",
        messages: [{ role: "user", content: "age?" }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "age", strict: true, schema: { type: "object", properties: { age: { type: "integer", minimum: 0 } }, required: ["age"], additionalProperties: false } },
        },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("minimum at /properties/age");
    expect(upstream.lastRequest).toEqual(before);
  });

  test("a model with an Anthropic and an OpenAI provider: the strict schema is served by the one that can keep it", async () => {
    const baseOf = (type: string) => (type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`);
    await configureModel(
      gateway,
      "strict-mixed",
      [
        { name: "strict-anthropic", type: "anthropic", baseUrl: baseOf("anthropic"), providerModel: "fake-model" },
        { name: "strict-openai", type: "openai", baseUrl: baseOf("openai"), providerModel: "fake-model" },
      ],
      { strategy: "priority" },
    );
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "strict-mixed",
        messages: [{ role: "user", content: "age?" }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "age", strict: true, schema: { type: "object", properties: { age: { type: "integer", minimum: 0 } }, required: ["age"], additionalProperties: false } },
        },
      }),
    });
    expect(response.status).toBe(200);
    // The OpenAI provider received the schema as asked, strict and with its keyword.
    const sent = upstream.lastRequest?.body as { response_format: { json_schema: { strict: boolean; schema: { properties: { age: { minimum: number } } } } } };
    expect(sent.response_format.json_schema.strict).toBe(true);
    expect(sent.response_format.json_schema.schema.properties.age.minimum).toBe(0);
    // The Anthropic provider was tried first and skipped, with the reason logged.
    const attempts = await logsOf(gateway, response.headers.get("x-llmio-trace-id")!);
    expect(attempts.map((row: { providerName: string; status: string }) => `${row.providerName} ${row.status}`)).toEqual(["strict-anthropic error", "strict-openai success"]);
  });

  test("the same schema without strict is answered, the keyword passed as a description hint", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "via-anthropic",
        messages: [{ role: "user", content: "age?" }],
        response_format: { type: "json_schema", json_schema: { name: "age", schema: { type: "object", properties: { age: { type: "integer", minimum: 0 } }, required: ["age"] } } },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ age: 1 }); // the fake saw no minimum: it travelled as a hint
    const sent = (upstream.lastRequest?.body as { output_config: { format: { schema: { properties: { age: { description: string } } } } } }).output_config.format.schema;
    expect(sent.properties.age.description).toContain("minimum: 0");
  });
});
