import { Type, type Static } from "@sinclair/typebox";
import { CURRENCIES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

const price = Type.Optional(Type.Number({ minimum: 0 }));

/** Body of `POST /api/model-providers` (`PUT /api/model-providers/:id` takes any part of it). */
export const AssociationInput = Type.Object({
  modelId: Type.Integer({ minimum: 1 }),
  providerId: Type.Integer({ minimum: 1 }),
  providerModel: Type.String({ minLength: 1, description: "The model name the provider expects" }),
  weight: Type.Optional(Type.Integer({ minimum: 0 })),
  enabled: Type.Optional(Type.Boolean()),
  toolCall: Type.Optional(Type.Boolean()),
  structuredOutput: Type.Optional(Type.Boolean()),
  vision: Type.Optional(Type.Boolean()),
  priceInput: price,
  priceCachedInput: price,
  priceOutput: price,
  priceCacheWrite: price,
  currency: Type.Optional(OneOf(CURRENCIES)),
  extraBody: Type.Optional(
    Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String(), Type.Null()], {
      description:
        'JSON object deep-merged into the upstream request after translation, overriding the client\'s values (e.g. {"chat_template_kwargs":{"enable_thinking":false}}); may be sent as JSON text; invalid JSON is a 400',
    }),
  ),
  extraHeaders: Type.Optional(
    Type.Record(Type.String(), Type.String(), {
      description: "Headers for this association's upstream. Precedence: provider credentials > association headers > provider headers > forwarded client headers",
    }),
  ),
  forwardClientHeaders: Type.Optional(Type.Boolean({ description: "false: the client's own headers are not sent upstream (default true)" })),
});
export type AssociationInput = Static<typeof AssociationInput>;

export const AssociationChanges = Type.Partial(AssociationInput);
export type AssociationChanges = Static<typeof AssociationChanges>;

/** Query of `GET /api/model-providers`. */
export const AssociationQuery = Type.Object({ modelId: Type.Optional(Type.Integer()) });

/** Which provider model serves a public model, with weight, capabilities and prices (per 1M tokens). */
export const Association = Type.Object({
  id: Type.Integer(),
  modelId: Type.Integer(),
  providerId: Type.Integer(),
  providerName: Type.String(),
  providerModel: Type.String(),
  weight: Type.Integer(),
  enabled: Type.Boolean(),
  toolCall: Type.Boolean(),
  structuredOutput: Type.Boolean(),
  vision: Type.Boolean(),
  priceInput: Type.Number(),
  priceCachedInput: Type.Number(),
  priceOutput: Type.Number(),
  priceCacheWrite: Type.Number({ description: "Price of tokens written to the prompt cache, per 1M" }),
  currency: OneOf(CURRENCIES),
  extraBody: Type.Record(Type.String(), Type.Unknown(), { description: "JSON deep-merged into the upstream request (after translation), over the client's values" }),
  extraHeaders: Type.Record(Type.String(), Type.String()),
  forwardClientHeaders: Type.Boolean(),
  createdAt: Instant(),
  updatedAt: Instant(),
});
export type Association = Static<typeof Association>;

/** The outcome of testing one association; the key never appears in it. */
export const AssociationTestResult = Type.Object({
  associationId: Type.Integer(),
  providerId: Type.Integer(),
  providerName: Type.String(),
  providerModel: Type.String(),
  ok: Type.Boolean(),
  latencyMs: Type.Number(),
  status: Nullable(Type.Integer(), { description: "The upstream's HTTP status; null when no answer came (connection refused, timeout, no key)" }),
  answer: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});
export type AssociationTestResult = Static<typeof AssociationTestResult>;

/** One turn of the tool-call test's conversation. */
export const TranscriptEntry = Type.Object({
  role: OneOf(["user", "assistant", "tool"]),
  text: Type.Optional(Type.String()),
  toolCalls: Type.Optional(Type.Array(Type.Object({ name: Type.String(), arguments: Type.String() }))),
});
export type TranscriptEntry = Static<typeof TranscriptEntry>;

/** One line of the tool-call test's NDJSON stream (`POST /api/model-providers/:id/tool-test`). */
export const ToolCallTestEvent = Type.Union([
  Type.Object({ type: Type.Literal("step-start"), step: Type.Integer(), title: Type.String() }),
  Type.Object({
    type: Type.Literal("step-end"),
    step: Type.Integer(),
    ok: Type.Boolean(),
    latencyMs: Type.Number(),
    status: Nullable(Type.Integer()),
    detail: Type.String(),
    transcript: Type.Array(TranscriptEntry),
  }),
  Type.Object({ type: Type.Literal("result"), ok: Type.Boolean(), detail: Type.String(), transcript: Type.Array(TranscriptEntry) }),
]);
export type ToolCallTestEvent = Static<typeof ToolCallTestEvent>;
