import type { CacheStats } from "@llmio/contract";
import { LRUCache } from "lru-cache";
import type { ChangeBus } from "../lib/change-bus.ts";
import { logger } from "../lib/logger.ts";
import type { SettingsStore } from "../routing/settings.ts";
import { serializeAnswer, type CachedAnswer } from "./cached-answer.ts";
import type { DatabaseAnswers } from "./database-answers.ts";
import type { RedisAnswers } from "./redis-answers.ts";

interface MemoryEntry {
  model: string;
  answer: CachedAnswer;
  bytes: number;
}

const MB = 1024 * 1024;
/** The change-bus topic of a purge: other instances drop what they hold in memory. */
const PURGED = "response-cache";

/**
 * The response cache's storage: this instance's memory (least recently used first out, bounded
 * in bytes by the `cacheMaxMb` setting) in front of the shared tiers: Redis when configured,
 * and the database, which every answer is written to so it survives a restart. A failing tier
 * is a miss, never an error for the client.
 */
export class ResponseCache {
  private memory: LRUCache<string, MemoryEntry>;
  private memoryMaxBytes: number;

  constructor(
    private readonly database: DatabaseAnswers,
    private readonly settings: SettingsStore,
    private readonly changes: ChangeBus,
    private readonly redis?: RedisAnswers,
  ) {
    // The default bound until the first lookup reads the setting.
    this.memoryMaxBytes = 64 * MB;
    this.memory = this.newMemory(this.memoryMaxBytes);
    // Another instance purged (or, without Redis, the periodic reload of a shared database): memory may be stale.
    changes.subscribe(PURGED, () => this.memory.clear());
  }

  /** A stored answer still valid at `now`, from the nearest tier that has it. */
  async get(model: string, key: string, now: number): Promise<CachedAnswer | undefined> {
    await this.fitMemoryToSettings();
    const local = this.memory.get(key);
    if (local && now < local.answer.expiresAt) return local.answer;
    try {
      const shared = (await this.redis?.get(model, key)) ?? (await this.database.get(key, now));
      if (shared && now < shared.expiresAt) {
        this.remember(model, key, shared, serializeAnswer(shared).length);
        return shared;
      }
    } catch (error) {
      logger.warn("response cache lookup failed; answering from the upstream", { error: (error as Error).message });
    }
    return undefined;
  }

  /** Stores an answer in every tier; the database write happens in the background. */
  put(model: string, key: string, answer: CachedAnswer): void {
    const text = serializeAnswer(answer);
    this.remember(model, key, answer, text.length);
    this.redis?.set(model, key, answer);
    this.database.set(key, model, answer, text);
  }

  /** Writes the answers still queued for the database (shutdown). */
  close(): Promise<void> {
    return this.database.flush();
  }

  /** Removes one model's answers (or all) from every tier and every instance's memory; returns how many the shared store held. */
  async purge(model?: string): Promise<number> {
    if (model === undefined) this.memory.clear();
    else for (const [key, entry] of this.memory.entries()) if (entry.model === model) this.memory.delete(key);
    const [, stored] = await Promise.all([this.redis?.purge(model), this.database.purge(model)]);
    this.changes.publish(PURGED);
    return stored;
  }

  async stats(now: number): Promise<CacheStats> {
    await this.fitMemoryToSettings();
    const byModel = await this.database.usage(now);
    return {
      entries: byModel.reduce((sum, model) => sum + model.entries, 0),
      bytes: byModel.reduce((sum, model) => sum + model.bytes, 0),
      memoryEntries: this.memory.size,
      memoryBytes: this.memory.calculatedSize,
      memoryMaxBytes: this.memoryMaxBytes,
      byModel,
    };
  }

  private remember(model: string, key: string, answer: CachedAnswer, bytes: number): void {
    // An answer larger than the whole bound is simply not kept in memory (lru-cache would refuse it anyway).
    if (bytes > this.memoryMaxBytes) return;
    this.memory.set(key, { model, answer, bytes }, { ttl: Math.max(1, answer.expiresAt - Date.now()) });
  }

  /** A changed `cacheMaxMb` takes effect at the next lookup: the hottest answers move to a memory of the new size. */
  private async fitMemoryToSettings(): Promise<void> {
    const maxBytes = (await this.settings.get()).cacheMaxMb * MB;
    if (maxBytes === this.memoryMaxBytes) return;
    const resized = this.newMemory(maxBytes);
    // Most recently used last, so the newest survive if the new bound is smaller.
    for (const [key, entry] of [...this.memory.entries()].reverse()) if (entry.bytes <= maxBytes) resized.set(key, entry, { ttl: Math.max(1, entry.answer.expiresAt - Date.now()) });
    this.memory = resized;
    this.memoryMaxBytes = maxBytes;
  }

  private newMemory(maxBytes: number): LRUCache<string, MemoryEntry> {
    return new LRUCache<string, MemoryEntry>({ maxSize: maxBytes, sizeCalculation: (entry) => Math.max(1, entry.bytes) });
  }
}
