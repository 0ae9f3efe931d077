import { Type, type SchemaOptions, type TLiteral, type TSchema, type TUnion } from "@sinclair/typebox";

type Literals<Values extends readonly string[]> = { -readonly [Index in keyof Values]: TLiteral<Values[Index]> };

/** One of the given strings: a union of literals (OpenAPI lists them; an error message names them). */
export function OneOf<const Values extends readonly [string, ...string[]]>(values: Values, options?: SchemaOptions) {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<Literals<Values>>;
}

/** The value or null. */
export function Nullable<Schema extends TSchema>(schema: Schema, options?: SchemaOptions) {
  return Type.Union([schema, Type.Null()], options);
}

/** Epoch milliseconds. */
export const Instant = (options?: SchemaOptions) => Type.Integer(options);

/** A row id. */
export const Id = () => Type.Integer({ minimum: 1 });
