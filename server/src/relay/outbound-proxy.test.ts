import { describe, expect, test } from "bun:test";
import { environmentProxy, maskProxyUrl, proxyFor, proxyUrlProblem, redactProxy } from "./outbound-proxy.ts";

describe("proxyUrlProblem", () => {
  test("http and https proxies, with or without credentials, are accepted", () => {
    expect(proxyUrlProblem("http://127.0.0.1:3128")).toBeUndefined();
    expect(proxyUrlProblem("https://user:pass@proxy.example:8443")).toBeUndefined();
  });
  test("socks and other schemes, and non-URLs, are refused with a reason", () => {
    expect(proxyUrlProblem("socks5://127.0.0.1:1080")).toContain("socks5");
    expect(proxyUrlProblem("socks5h://127.0.0.1:1080")).toContain("only http:// and https://");
    expect(proxyUrlProblem("ftp://host")).toContain("http://");
    expect(proxyUrlProblem("not a url")).toContain("not a URL");
  });
});

describe("maskProxyUrl / redactProxy", () => {
  test("the password is masked like a key, the rest stays", () => {
    expect(maskProxyUrl("http://user:averylongpassword@host:3128")).toBe("http://user:ave…word@host:3128");
    expect(maskProxyUrl("http://host:3128")).toBe("http://host:3128");
    expect(maskProxyUrl(null)).toBeNull();
  });
  test("error text never keeps the password", () => {
    const url = "http://user:averylongpassword@host:3128";
    expect(redactProxy(`failed to reach ${url}`, url)).not.toContain("averylongpassword");
    expect(redactProxy("password averylongpassword leaked", url)).not.toContain("averylongpassword");
  });
});

describe("environmentProxy", () => {
  const env = { HTTPS_PROXY: "http://secure-proxy:1", HTTP_PROXY: "http://plain-proxy:2", NO_PROXY: "localhost,.internal.example,10.0.0.1:8080" };
  test("HTTPS_PROXY for https targets, HTTP_PROXY for http ones", () => {
    expect(environmentProxy("https://api.openai.com/v1/chat/completions", env)).toBe("http://secure-proxy:1");
    expect(environmentProxy("http://api.example/v1", env)).toBe("http://plain-proxy:2");
    expect(environmentProxy("https://api.example/v1", { HTTP_PROXY: "http://plain-proxy:2" })).toBe("http://plain-proxy:2");
  });
  test("NO_PROXY hosts, domain suffixes and host:port entries go direct", () => {
    expect(environmentProxy("http://localhost:11434/v1", env)).toBeUndefined();
    expect(environmentProxy("https://llm.internal.example/v1", env)).toBeUndefined();
    expect(environmentProxy("http://10.0.0.1:8080/v1", env)).toBeUndefined();
    expect(environmentProxy("http://10.0.0.1:9090/v1", env)).toBe("http://plain-proxy:2");
    expect(environmentProxy("https://anything", { ...env, NO_PROXY: "*" })).toBeUndefined();
  });
  test("nothing set: direct", () => {
    expect(environmentProxy("https://api.example", {})).toBeUndefined();
  });
  test("a provider's own proxy wins over the environment", () => {
    expect(proxyFor("https://api.example", "http://own:3")).toBe("http://own:3");
  });
});
