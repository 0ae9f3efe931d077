import { Elysia } from "elysia";
import { createDeps, type AppDeps } from "../../app-deps.ts";
import { openDatabase } from "../../db/client.ts";
import { LogWriter } from "../../db/log-writer.ts";
import { Catalog } from "../../services/catalog.ts";
import { adminRoutes } from "./index.ts";

export const TEST_TOKEN = "test-token";

/** An in-memory admin app for tests, with a `call` helper that sends the admin token. */
export function createAdminHarness() {
  const db = openDatabase(":memory:");
  const deps: AppDeps = createDeps({ token: TEST_TOKEN }, db);
  const app = new Elysia().use(adminRoutes(deps));

  async function call(method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN) {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await app.handle(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  return { app, deps, call };
}
