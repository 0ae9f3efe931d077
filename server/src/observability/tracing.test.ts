import { expect, test } from "bun:test";
import { Glob } from "bun";
import { relative } from "node:path";
import { createTracing, NOOP_ATTEMPT_SPAN, NOOP_REQUEST_SPAN, NOOP_TRACING } from "./tracing.ts";

const SOURCE = new URL("..", import.meta.url).pathname;

test("only otel-tracing.ts loads the OpenTelemetry SDK (other files import types only), so tracing off loads nothing of it", async () => {
  const loaders: string[] = [];
  for await (const path of new Glob("**/*.ts").scan({ cwd: SOURCE, absolute: true })) {
    if (/\.test\.ts$/.test(path)) continue;
    const text = await Bun.file(path).text();
    // A value import (not `import type`) of any @opentelemetry package.
    if (/^import (?!type )[^;]*from "@opentelemetry\//m.test(text)) loaders.push(relative(SOURCE, path));
  }
  expect(loaders).toEqual(["observability/otel-tracing.ts"]);
});

test("without an endpoint (or with the SDK disabled) tracing is the frozen no-op, and its spans are shared singletons", async () => {
  expect(await createTracing({})).toBe(NOOP_TRACING);
  expect(await createTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(NOOP_TRACING);
  expect(await createTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces", OTEL_TRACES_EXPORTER: "none" })).toBe(NOOP_TRACING);
  const span = NOOP_TRACING.request({ headers: new Headers({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }), protocol: "openai-chat", model: "m", stream: false });
  expect(span).toBe(NOOP_REQUEST_SPAN);
  expect(span.attempt({ wire: "anthropic", providerModel: "p", providerName: "n", providerId: 1, associationId: 1, baseUrl: "http://x" }, 0)).toBe(NOOP_ATTEMPT_SPAN);
  expect(Object.isFrozen(NOOP_TRACING) && Object.isFrozen(NOOP_REQUEST_SPAN) && Object.isFrozen(NOOP_ATTEMPT_SPAN)).toBe(true);
});
