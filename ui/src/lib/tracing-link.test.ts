import { describe, expect, it } from "vitest";
import { linkTemplateError, percentToRatio, ratioToPercent, sampleRatioError, traceLink, tracingEndpointError, tracingHeadersError } from "./tracing-link.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("the link to a trace", () => {
  it("replaces every {traceId} with the id", () => {
    expect(traceLink("https://jaeger.example.com/trace/{traceId}", TRACE)).toBe(`https://jaeger.example.com/trace/${TRACE}`);
    expect(traceLink("https://grafana/explore?left={traceId}&right={traceId}", TRACE)).toBe(`https://grafana/explore?left=${TRACE}&right=${TRACE}`);
  });

  it("URL-encodes the id, so an odd one cannot change the link's shape", () => {
    expect(traceLink("https://ui/trace/{traceId}?x=1", "a/b?c=d&e#f")).toBe("https://ui/trace/a%2Fb%3Fc%3Dd%26e%23f?x=1");
  });

  it("gives no link without a template, without {traceId}, or for anything but an http(s) page", () => {
    expect(traceLink(null, TRACE)).toBeUndefined();
    expect(traceLink(undefined, TRACE)).toBeUndefined();
    expect(traceLink("", TRACE)).toBeUndefined();
    expect(traceLink("https://jaeger/search", TRACE)).toBeUndefined();
    expect(traceLink("javascript:alert('{traceId}')", TRACE)).toBeUndefined();
    expect(traceLink("data:text/html,{traceId}", TRACE)).toBeUndefined();
  });

  it("keeps a path on the admin UI's own host", () => {
    expect(traceLink("/jaeger/trace/{traceId}", TRACE)).toBe(`/jaeger/trace/${TRACE}`);
  });
});

describe("validating the tracing settings", () => {
  it("wants {traceId} in a link template, and an http(s) URL; empty means no link", () => {
    expect(linkTemplateError(null)).toBeUndefined();
    expect(linkTemplateError("   ")).toBeUndefined();
    expect(linkTemplateError("https://jaeger/trace/{traceId}")).toBeUndefined();
    expect(linkTemplateError("https://jaeger/trace/{traceid}")).toBe("validation.traceIdPlaceholder");
    expect(linkTemplateError("https://jaeger/trace/")).toBe("validation.traceIdPlaceholder");
    expect(linkTemplateError("javascript:alert({traceId})")).toBe("validation.url");
  });

  it("wants an http(s) endpoint; empty turns tracing off", () => {
    expect(tracingEndpointError(null)).toBeUndefined();
    expect(tracingEndpointError("")).toBeUndefined();
    expect(tracingEndpointError("http://localhost:4318")).toBeUndefined();
    expect(tracingEndpointError(" https://otlp.example.com ")).toBeUndefined();
    expect(tracingEndpointError("localhost:4318")).toBe("validation.url");
    expect(tracingEndpointError("grpc://collector:4317")).toBe("validation.url");
  });

  it("wants headers as name=value pairs; masked values as read pass", () => {
    expect(tracingHeadersError(null)).toBeUndefined();
    expect(tracingHeadersError("x-honeycomb-team=abc…mnop,x-dataset=llmio")).toBeUndefined();
    expect(tracingHeadersError("authorization=Basic%20abc, ")).toBeUndefined();
    expect(tracingHeadersError("x-key")).toBe("validation.tracingHeaders");
    expect(tracingHeadersError("=value")).toBe("validation.tracingHeaders");
  });

  it("shows the ratio as a percentage without float noise, and back", () => {
    expect(ratioToPercent(0.07)).toBe(7);
    expect(ratioToPercent(1)).toBe(100);
    expect(ratioToPercent(0.125)).toBe(12.5);
    expect(percentToRatio(7)).toBe(0.07);
    expect(percentToRatio(12.5)).toBe(0.125);
    expect(percentToRatio(null)).toBeNaN();
    expect(sampleRatioError(percentToRatio(null))).toBe("validation.percent");
    expect(sampleRatioError(0)).toBeUndefined();
    expect(sampleRatioError(1)).toBeUndefined();
    expect(sampleRatioError(-0.01)).toBe("validation.percent");
  });
});
