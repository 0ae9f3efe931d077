import { describe, expect, test } from "bun:test";
import { declaredLength, readBodyText, RequestBodyTooLarge } from "./request-body.ts";

/** A request whose body arrives in `pieces` without a Content-Length, as a chunked upload does. */
function chunkedRequest(pieces: string[], onPull?: () => void): Request {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.();
      if (index === pieces.length) controller.close();
      else controller.enqueue(new TextEncoder().encode(pieces[index++]));
    },
  });
  return new Request("http://gateway/v1/chat/completions", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyText", () => {
  test("a body within the limit is read whole, declared or chunked", async () => {
    const declared = new Request("http://gateway/x", { method: "POST", body: "héllo", headers: { "content-length": "6" } });
    expect(await readBodyText(declared, 6)).toBe("héllo");
    expect(await readBodyText(chunkedRequest(["he", "llo"]), 5)).toBe("hello");
    expect(await readBodyText(new Request("http://gateway/x", { method: "POST" }), 5)).toBe("");
  });

  test("a declared length past the limit is refused before anything is read", async () => {
    const request = new Request("http://gateway/x", { method: "POST", body: "x".repeat(20), headers: { "content-length": "20" } });
    const error = await readBodyText(request, 10).catch((caught) => caught);
    expect(error).toBeInstanceOf(RequestBodyTooLarge);
    expect(request.bodyUsed).toBe(false);
    expect((error as RequestBodyTooLarge).toGatewayError().status).toBe(413);
  });

  test("a chunked body is abandoned as soon as the count passes the limit", async () => {
    let pulls = 0;
    const error = await readBodyText(chunkedRequest(Array(100).fill("x".repeat(10)), () => pulls++), 25).catch((caught) => caught);
    expect(error).toBeInstanceOf(RequestBodyTooLarge);
    expect((error as Error).message).toContain("25-byte limit");
    expect(pulls).toBeLessThan(6);
  });

  test("decodes like request.text(): a leading BOM dropped, invalid bytes replaced", async () => {
    const request = new Request("http://gateway/x", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x7d]));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(await readBodyText(request, 100)).toBe("{\uFFFD}");
  });
});

test("declaredLength: digits only", () => {
  expect(declaredLength(new Headers({ "content-length": "42" }))).toBe(42);
  expect(declaredLength(new Headers())).toBeUndefined();
  expect(declaredLength(new Headers({ "content-length": "-1" }))).toBeUndefined();
});
