import { describe, expect, test } from "bun:test";
import { parseFaults } from "./faults.ts";
import { TOOL_INPUT_FRAGMENTS, TOOL_INPUT_JSON, toolInput } from "./text.ts";

describe("place-args", () => {
  test("is a flag of the model name and the header", () => {
    expect(parseFaults(null, "fake-model+tool+place-args").placeArgs).toBe(true);
    expect(parseFaults("place-args", "fake-model").placeArgs).toBe(true);
  });

  test("without it, every call is for Paris, cut as before", () => {
    expect(toolInput(false, "What is the weather in Tokyo?")).toEqual({ json: TOOL_INPUT_JSON, fragments: TOOL_INPUT_FRAGMENTS });
  });

  test("with it, the location is the place the question asks about, in fragments that join back", () => {
    const tokyo = toolInput(true, "Thanks. And what is the weather in Tokyo?");
    expect(JSON.parse(tokyo.json)).toEqual({ location: "Tokyo" });
    expect(tokyo.fragments.length).toBe(3);
    expect(tokyo.fragments.join("")).toBe(tokyo.json);
    expect(JSON.parse(toolInput(true, "weather in New York today").json)).toEqual({ location: "New York" });
    expect(JSON.parse(toolInput(true, "what's the weather like?").json)).toEqual({ location: "Paris" });
  });
});
