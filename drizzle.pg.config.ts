import { defineConfig } from "drizzle-kit";

/** Migrations for multi-instance mode (`DATABASE_URL=postgres://…`); SQLite's are in drizzle.config.ts. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/src/db/schema.pg.ts",
  out: "./drizzle/pg",
});
