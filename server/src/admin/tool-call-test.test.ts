import { describe, expect, test } from "bun:test";
import type { ToolCallPart } from "../core/canonical.ts";
import { judge } from "./tool-call-test.ts";

const call = (name: string, args: string, id = "call_1"): ToolCallPart => ({ type: "tool-call", id, name, arguments: args });

describe("judge", () => {
  test("a call for the asked city passes, whatever else the location says", () => {
    expect(judge({ expect: { call: "Tokyo" } }, [call("get_weather", '{"location":"Tokyo, Japan"}')], "")).toMatchObject({ ok: true, callId: "call_1" });
    expect(judge({ expect: { call: "Tokyo" } }, [call("get_weather", '{"location":"tokyo"}')], "").ok).toBe(true);
  });

  test("one right call among several is enough", () => {
    const calls = [call("get_weather", '{"location":"Paris"}', "a"), call("get_weather", '{"location":"Tokyo"}', "b")];
    expect(judge({ expect: { call: "Tokyo" } }, calls, "")).toMatchObject({ ok: true, callId: "b" });
  });

  test("text, another city, another function or broken JSON fail, saying what came instead", () => {
    expect(judge({ expect: { call: "Paris" } }, [], "It is sunny.").detail).toBe('expected a call get_weather(Paris), got text: "It is sunny."');
    expect(judge({ expect: { call: "Tokyo" } }, [call("get_weather", '{"location":"Paris"}')], "").detail).toBe('expected get_weather with location Tokyo, got get_weather({"location":"Paris"})');
    expect(judge({ expect: { call: "Paris" } }, [call("get_time", '{"location":"Paris"}')], "").ok).toBe(false);
    expect(judge({ expect: { call: "Paris" } }, [call("get_weather", '{"location":"Par')], "").ok).toBe(false);
  });

  test("after the tool result, a text answer passes and another call fails", () => {
    expect(judge({ expect: { text: true } }, [], "18 °C and cloudy in Paris.").ok).toBe(true);
    expect(judge({ expect: { text: true } }, [], " ").ok).toBe(false);
    expect(judge({ expect: { text: true } }, [call("get_weather", '{"location":"Paris"}')], "").ok).toBe(false);
  });
});
