/**
 * NextChat's persisted zustand stores, read and written the way the app does: idb-keyval's
 * default store (database `keyval-store`, object store `keyval`), one JSON string per store
 * name; when IndexedDB has nothing the app falls back to localStorage under the same key.
 * (ChatGPTNextWeb/NextChat app/utils/indexedDB-storage.ts, app/utils/store.ts)
 */
const DATABASE = "keyval-store";
const OBJECT_STORE = "keyval";
export const NEXTCHAT_ACCESS_KEY = "access-control";
export const NEXTCHAT_CONFIG_KEY = "app-config";

/** One persisted store: `{"state":{...},"version":N}`. */
export interface PersistedStore {
  state: Record<string, unknown>;
  version: number;
}

export function parsePersisted(text: string | null | undefined): PersistedStore | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<PersistedStore>;
    return value && typeof value.state === "object" && value.state !== null ? { state: value.state, version: Number(value.version ?? 0) } : undefined;
  } catch {
    return undefined;
  }
}

function request<T>(call: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    call.onsuccess = () => resolve(call.result);
    call.onerror = () => reject(call.error);
  });
}

/** Opening a database that does not exist would create it: look first. */
async function databaseExists(factory: IDBFactory): Promise<boolean> {
  if (typeof factory.databases !== "function") return true;
  const list = await factory.databases();
  return list.some((database) => database.name === DATABASE);
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  const opening = factory.open(DATABASE);
  // What idb-keyval's createStore does when the database is new.
  opening.onupgradeneeded = () => opening.result.createObjectStore(OBJECT_STORE);
  return request(opening);
}

/** The stores by name (missing ones left out); IndexedDB first, then localStorage, as the app reads. */
export async function readNextChatStores(factory: IDBFactory, localStorage: Pick<Storage, "getItem">, names: string[]): Promise<Record<string, PersistedStore>> {
  const found: Record<string, PersistedStore> = {};
  if (await databaseExists(factory)) {
    const database = await openDatabase(factory);
    try {
      if (database.objectStoreNames.contains(OBJECT_STORE)) {
        const store = database.transaction(OBJECT_STORE, "readonly").objectStore(OBJECT_STORE);
        for (const name of names) {
          const value = parsePersisted((await request(store.get(name))) as string | undefined);
          if (value) found[name] = value;
        }
      }
    } finally {
      database.close();
    }
  }
  for (const name of names) {
    const value = found[name] ?? parsePersisted(localStorage.getItem(name));
    if (value) found[name] = value;
  }
  return found;
}

/** Writes the stores as JSON strings in one transaction, as idb-keyval's `set` does. */
export async function writeNextChatStores(factory: IDBFactory, stores: Record<string, PersistedStore>): Promise<void> {
  const database = await openDatabase(factory);
  try {
    const transaction = database.transaction(OBJECT_STORE, "readwrite");
    const store = transaction.objectStore(OBJECT_STORE);
    for (const [name, value] of Object.entries(stores)) store.put(JSON.stringify(value), name);
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}
