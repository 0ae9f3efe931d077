import { Type, type Static } from "@sinclair/typebox";

/** Every admin failure: `{ "error": message }`, sometimes with details beside it (e.g. `upstream`, `warnings`). */
export const AdminErrorBody = Type.Object({ error: Type.String() }, { additionalProperties: true, description: "What went wrong" });
export type AdminErrorBody = Static<typeof AdminErrorBody>;

/** What a DELETE answers. */
export const Deleted = Type.Object({ id: Type.Integer(), deleted: Type.Literal(true) });
export type Deleted = Static<typeof Deleted>;
