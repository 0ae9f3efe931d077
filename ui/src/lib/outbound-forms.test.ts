import { describe, expect, it } from "vitest";
import { associationToForm, formToAssociationInput, newAssociationForm, parseExtraBody, validateAssociationForm } from "./association-form.ts";
import { emptyProviderForm, formToProviderInput, validateProviderForm } from "./provider-form.ts";
import type { Association } from "@llmio/contract";

describe("provider form: proxyUrl", () => {
  const filled = { ...emptyProviderForm(), name: "p", baseUrl: "https://api.example/v1", keysText: "sk-1" };
  it("accepts http(s) proxy URLs with credentials, refuses socks5 and others", () => {
    expect(validateProviderForm({ ...filled, proxyUrl: "http://user:pass@127.0.0.1:3128" }).proxyUrl).toBeUndefined();
    expect(validateProviderForm({ ...filled, proxyUrl: "http://user:pa…ss@127.0.0.1:3128" }).proxyUrl).toBeUndefined();
    expect(validateProviderForm({ ...filled, proxyUrl: "socks5://127.0.0.1:1080" }).proxyUrl).toBe("validation.proxyUrl");
    expect(validateProviderForm({ ...filled, proxyUrl: "" }).proxyUrl).toBeUndefined();
  });
  it("sends null when empty, the trimmed URL otherwise", () => {
    expect(formToProviderInput({ ...filled, proxyUrl: "  " }).proxyUrl).toBeNull();
    expect(formToProviderInput({ ...filled, proxyUrl: " http://h:1 " }).proxyUrl).toBe("http://h:1");
  });
});

describe("association form: extra body, extra headers, forwarding", () => {
  it("parses a JSON object; anything else is an error", () => {
    expect(parseExtraBody("")).toEqual({});
    expect(parseExtraBody('{"reasoning_effort":"low"}')).toEqual({ reasoning_effort: "low" });
    expect(parseExtraBody("[1]")).toBeUndefined();
    expect(parseExtraBody("{oops")).toBeUndefined();
    const form = { ...newAssociationForm(1), providerModel: "m", extraBodyText: "{oops", extraHeadersText: "no colon" };
    expect(validateAssociationForm(form)).toMatchObject({ extraBodyText: "validation.jsonObject", extraHeadersText: "validation.headers" });
  });
  it("round-trips through the form", () => {
    const association = {
      id: 1, modelId: 2, providerId: 3, providerName: "p", providerModel: "m", weight: 1, enabled: true, toolCall: true, structuredOutput: true, vision: true,
      priceInput: 0, priceCachedInput: 0, priceOutput: 0, priceCacheWrite: 0, currency: "USD",
      extraBody: { chat_template_kwargs: { enable_thinking: false } }, extraHeaders: { "X-A": "1" }, forwardClientHeaders: false, createdAt: 0, updatedAt: 0,
    } satisfies Association;
    const form = associationToForm(association);
    expect(form.extraHeadersText).toBe("X-A: 1");
    expect(form.forwardClientHeaders).toBe(false);
    expect(formToAssociationInput(form, 2)).toMatchObject({ extraBody: association.extraBody, extraHeaders: { "X-A": "1" }, forwardClientHeaders: false });
    expect(newAssociationForm().forwardClientHeaders).toBe(true);
  });
});
