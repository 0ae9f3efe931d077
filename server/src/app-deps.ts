import type { ServerConfig } from "./config.ts";
import type { AppDatabase } from "./db/client.ts";
import type { LogWriter } from "./db/log-writer.ts";
import type { Catalog } from "./services/catalog.ts";

/** Everything the HTTP layer needs, built once by `main.ts` (or a test). */
export interface AppDeps {
  config: Pick<ServerConfig, "token">;
  db: AppDatabase;
  logWriter: LogWriter;
  catalog: Catalog;
}
