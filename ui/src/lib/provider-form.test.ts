import { describe, expect, it } from "vitest";
import { applyTemplate, emptyProviderForm, formToProviderInput, parseHeaders, providerToForm, validateProviderForm } from "./provider-form.ts";
import { parseKeys, PROVIDER_TEMPLATES, templateOf } from "./provider-templates.ts";
import type { Provider } from "@llmio/contract";

const template = (id: string) => PROVIDER_TEMPLATES.find((item) => item.id === id)!;

describe("templates", () => {
  it("cover the vendors people use", () => {
    const names = PROVIDER_TEMPLATES.map((item) => item.id);
    for (const id of ["openai", "anthropic", "gemini", "deepseek", "dashscope", "openrouter", "siliconflow", "ollama", "custom"]) expect(names).toContain(id);
  });

  it("fill type, base URL and name, keeping a name the user typed", () => {
    const form = applyTemplate(emptyProviderForm(), template("anthropic"));
    expect(form).toMatchObject({ name: "Anthropic", type: "anthropic", baseUrl: "https://api.anthropic.com/v1" });
    const switched = applyTemplate(form, template("gemini"), template("anthropic"));
    expect(switched).toMatchObject({ name: "Gemini", type: "gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta" });
    const named = applyTemplate({ ...switched, name: "my gemini" }, template("deepseek"), template("gemini"));
    expect(named.name).toBe("my gemini");
  });

  it("recognise a provider by its base URL", () => {
    expect(templateOf("https://api.deepseek.com/v1")?.id).toBe("deepseek");
    expect(templateOf("https://dashscope.aliyuncs.com/compatible-mode/v1/")?.id).toBe("dashscope");
    expect(templateOf("http://127.0.0.1:9999/v1")).toBeUndefined();
  });
});

describe("parsing", () => {
  it("splits keys by lines, commas and spaces, without duplicates", () => {
    expect(parseKeys("sk-a\n sk-b, sk-c  sk-a\n\n")).toEqual(["sk-a", "sk-b", "sk-c"]);
    expect(parseKeys("sk-…abcd")).toEqual(["sk-…abcd"]);
  });

  it("reads 'Name: value' headers and refuses malformed lines", () => {
    expect(parseHeaders("HTTP-Referer: https://x.dev\nX-Title:  llmio \n")).toEqual({ "HTTP-Referer": "https://x.dev", "X-Title": "llmio" });
    expect(parseHeaders("")).toEqual({});
    expect(parseHeaders("no colon here")).toBeUndefined();
    expect(parseHeaders(": value")).toBeUndefined();
    expect(parseHeaders("bad name: v")).toBeUndefined();
  });
});

describe("validateProviderForm", () => {
  const valid = { ...emptyProviderForm(), name: "openai", baseUrl: "https://api.openai.com/v1", keysText: "sk-1" };

  it("accepts a complete form", () => {
    expect(validateProviderForm(valid)).toEqual({});
  });

  it("names each problem at its field", () => {
    const errors = validateProviderForm({ ...valid, name: " ", baseUrl: "api.openai.com", keysText: "", headersText: "oops", requestsPerMinute: 0, endpoints: [] });
    expect(errors).toEqual({
      name: "validation.required",
      baseUrl: "validation.url",
      keysText: "validation.keyRequired",
      headersText: "validation.headers",
      requestsPerMinute: "validation.positiveInteger",
      endpoints: "validation.endpoints",
    });
  });

  it("lets local servers go without a key", () => {
    expect(validateProviderForm({ ...valid, keysText: "" }, { keyOptional: true })).toEqual({});
  });
});

describe("form ↔ API", () => {
  it("sends trimmed values, null for blanks, keys as a list", () => {
    const input = formToProviderInput({ ...emptyProviderForm(), name: " p ", baseUrl: " https://x/v1 ", keysText: "k1\nk2", headersText: "A: b", errorMatch: " ", consoleUrl: "" });
    expect(input).toMatchObject({ name: "p", baseUrl: "https://x/v1", apiKeys: ["k1", "k2"], headers: { A: "b" }, errorMatch: null, consoleUrl: null, endpoints: null, enabled: true });
  });

  it("shows a stored provider's masked keys one per line", () => {
    const provider = {
      id: 1,
      name: "p",
      type: "openai",
      baseUrl: "https://x/v1",
      apiKeys: ["sk-…aaaa", "sk-…bbbb"],
      keyCount: 2,
      headers: { "X-A": "1" },
      enabled: false,
      consoleUrl: null,
      endpoints: ["chat"],
      errorMatch: null,
      proxyUrl: null,
      requestsPerMinute: 60,
      tokensPerMinute: null,
      maxConcurrent: null,
      keyRequestsPerMinute: null,
      keyTokensPerMinute: null,
      keyMaxConcurrent: null,
      createdAt: 0,
      updatedAt: 0,
    } satisfies Provider;
    const form = providerToForm(provider);
    expect(form.keysText).toBe("sk-…aaaa\nsk-…bbbb");
    expect(form.headersText).toBe("X-A: 1");
    expect(formToProviderInput(form)).toMatchObject({ apiKeys: ["sk-…aaaa", "sk-…bbbb"], endpoints: ["chat"], requestsPerMinute: 60, enabled: false });
  });
});
