/**
 * A wire payload as tests read it: tests index freely into vendor JSON (`frame.data.delta.type`)
 * and let `expect` judge the shape, so the one loose type of the kit lives here.
 */
export type Json = Record<string, any>;

/** One SSE event with its data parsed as JSON. */
export interface JsonFrame<T = Json> {
  event?: string;
  data: T;
}

/** The data of an SSE event as JSON where it is JSON, else the text itself (`[DONE]`, a truncated frame). */
export function jsonOrText(data: string): Json | string {
  try {
    return JSON.parse(data) as Json;
  } catch {
    return data;
  }
}
