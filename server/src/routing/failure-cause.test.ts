import { describe, expect, test } from "bun:test";
import { failureCause } from "./failure-cause.ts";

describe("failureCause", () => {
  test("connection failures are split into what a person fixes differently", () => {
    expect(failureCause("connection", "connection failed: ECONNREFUSED: Unable to connect. Is the computer able to access the url?")).toBe("connection-refused");
    expect(failureCause("connection", "connection failed: getaddrinfo ENOTFOUND api.example.invalid")).toBe("host-not-found");
    expect(failureCause("connection", "connection failed: unable to verify the first certificate")).toBe("tls");
    expect(failureCause("connection", "connection failed: The socket connection was closed unexpectedly")).toBe("connection");
  });

  test("a 404 is a missing model or path, other server failures are server errors", () => {
    expect(failureCause("server", "HTTP 404: The model `x` does not exist")).toBe("not-found");
    expect(failureCause("server", "something", 404)).toBe("not-found");
    expect(failureCause("server", "HTTP 500: boom")).toBe("server-error");
  });

  test("the other classes keep their name", () => {
    expect(failureCause("timeout")).toBe("timeout");
    expect(failureCause("credential")).toBe("credential");
    expect(failureCause("rate_limit")).toBe("rate-limit");
    expect(failureCause("quota")).toBe("quota");
    expect(failureCause("overloaded")).toBe("overloaded");
    expect(failureCause("bad_request")).toBe("bad-request");
    expect(failureCause("content")).toBe("content");
  });
});
