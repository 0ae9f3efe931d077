import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { startServeProcess, type ServeProcess } from "../serve-process.ts";

/**
 * kill -9 under load: how many answered calls lose their log row. Rows are written in batches
 * every 100 ms (or 500 rows), so a crash can lose at most the calls answered in the last flush
 * window; every call answered earlier than that must be in the database after the crash.
 */
const TOKEN = "kill-nine-token-0123456789";
const FLUSH_WINDOW_MS = 100;
/** The window plus scheduling slack on a loaded 2-core machine. */
const SAFE_AGE_MS = FLUSH_WINDOW_MS + 150;

let upstream: FakeUpstream;
let gateway: ServeProcess | undefined;

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

test("kill -9 under load loses only the rows of calls answered in the last flush window", async () => {
  gateway = await startServeProcess({ token: TOKEN });
  const { url, child, dbPath } = gateway;
  const admin = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
  const provider = await admin("/api/providers", { name: "fake", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-1234"] });
  const model = await admin("/api/models", { name: "echo" });
  await admin("/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });

  const answered: Array<{ traceId: string; at: number }> = [];
  let killedAt = Infinity;
  const worker = async () => {
    while (Date.now() < killedAt) {
      try {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hello" }] }),
        });
        await response.text();
        const at = Date.now();
        if (response.status === 200 && at < killedAt) answered.push({ traceId: response.headers.get("x-llmio-trace-id")!, at });
      } catch {
        return;
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await Bun.sleep(1500);
  killedAt = Date.now();
  child.kill("SIGKILL");
  await child.exited;
  await Promise.all(workers);

  // The database as the crash left it (WAL included).
  const db = new Database(dbPath);
  const logged = new Set(db.query<{ trace_id: string }, []>("select trace_id from request_logs").all().map((row) => row.trace_id));
  db.close();
  const lost = answered.filter((call) => !logged.has(call.traceId));
  const lostOld = lost.filter((call) => killedAt - call.at > SAFE_AGE_MS);
  const window = answered.filter((call) => killedAt - call.at <= SAFE_AGE_MS).length;
  console.log(`kill -9 after 1.5 s at c16: ${answered.length} calls answered, ${lost.length} rows lost (${window} answered in the last ${SAFE_AGE_MS} ms)`);
  expect(answered.length).toBeGreaterThan(100);
  expect(lostOld).toEqual([]);
}, 30_000);
