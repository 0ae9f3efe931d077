import { afterAll, beforeAll } from "bun:test";
import { Elysia } from "elysia";
import { createDeps, type AppDeps } from "../../app-deps.ts";
import { openTestDatabase } from "../../db/test-database.ts";
import { adminRoutes } from "./index.ts";

export const TEST_TOKEN = "test-token";

/** An admin app over a fresh test database, with a `call` helper that sends the admin token. */
export async function createAdminHarness() {
  const db = await openTestDatabase();
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

  /** Writes the queued log rows and closes the database. */
  async function close() {
    await deps.logWriter.close();
    await db.close();
  }

  return { app, deps, call, close };
}

export type AdminHarness = Awaited<ReturnType<typeof createAdminHarness>>;

/**
 * The harness of the calling describe block: opened before its first test and closed after its
 * last, as on PostgreSQL every harness empties the one test database, so two suites' must not
 * overlap. `deps` and `app` are there once the block's tests (and later `beforeAll`s) run.
 */
export function suiteHarness(): Pick<AdminHarness, "call" | "deps" | "app"> {
  let harness: AdminHarness | undefined;
  beforeAll(async () => {
    harness = await createAdminHarness();
  });
  afterAll(() => harness?.close());
  const current = () => {
    if (!harness) throw new Error("the suite's harness is opened in beforeAll");
    return harness;
  };
  return {
    call: (...args) => current().call(...args),
    get deps() {
      return current().deps;
    },
    get app() {
      return current().app;
    },
  };
}
