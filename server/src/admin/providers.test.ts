import { describe, expect, test } from "bun:test";
import { AdminError } from "../lib/admin-error.ts";
import { mergeApiKeys } from "./providers.ts";

describe("mergeApiKeys", () => {
  const existing = ["sk-first-key-aaaa", "sk-second-key-bbbb"];

  test("masked entries keep their existing keys; plain entries are new keys", () => {
    expect(mergeApiKeys(["sk-…aaaa", "sk-…bbbb", "sk-new-key-cccc"], existing)).toEqual([...existing, "sk-new-key-cccc"]);
  });

  test("dropping a masked entry removes that key", () => {
    expect(mergeApiKeys(["sk-…bbbb"], existing)).toEqual(["sk-second-key-bbbb"]);
  });

  test("keys sharing a mask resolve by position first", () => {
    const twins = ["sk-one-xxxx-1234", "sk-two-yyyy-1234"];
    expect(mergeApiKeys(["sk-…1234", "sk-…1234"], twins)).toEqual(twins);
    expect(mergeApiKeys(["new-key-0000000", "sk-…1234"], twins)).toEqual(["new-key-0000000", "sk-two-yyyy-1234"]);
  });

  test("trims, drops empty entries and duplicates", () => {
    expect(mergeApiKeys([" sk-a-key-1111 ", "", "sk-a-key-1111"], [])).toEqual(["sk-a-key-1111"]);
  });

  test("a masked entry with no matching key is a 400 naming its position", () => {
    const attempt = () => mergeApiKeys(["sk-…aaaa", "sk-…zzzz"], existing);
    expect(attempt).toThrow(AdminError);
    expect(attempt).toThrow("/apiKeys/1");
  });
});
