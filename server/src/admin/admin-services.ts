import type { AppDatabase } from "../db/client.ts";
import { AuthKeyService } from "./auth-keys.ts";
import { ModelProviderService } from "./model-providers.ts";
import { ModelService } from "./models.ts";
import { ProviderService } from "./providers.ts";
import { Catalog } from "../routing/catalog.ts";
import { ClientKeys } from "../auth/client-keys.ts";
import { SettingsStore } from "../routing/settings.ts";

/** The admin API's services over a database, outside a running gateway (so with nothing to notify). */
export function adminServices(db: AppDatabase) {
  const catalog = new Catalog(db);
  const settings = new SettingsStore(db);
  // No request log is written and no key authenticated here; a random token can match nothing.
  const clientKeys = new ClientKeys({ db, logWriter: { onWritten: () => {} }, config: { token: crypto.randomUUID() } });
  return {
    providers: new ProviderService(db, catalog),
    // New models get the gateway's configured defaults, as through the admin API.
    models: new ModelService(db, catalog, async () => {
      const current = await settings.get();
      return { maxRetry: current.defaultMaxRetry, timeoutMs: current.defaultTimeoutMs };
    }),
    associations: new ModelProviderService(db, catalog),
    authKeys: new AuthKeyService(clientKeys),
  };
}

export type AdminServices = ReturnType<typeof adminServices>;
