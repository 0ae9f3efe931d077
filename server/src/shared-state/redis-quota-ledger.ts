import { MemoryQuotaLedger, type QuotaAdmission, type QuotaClaim, type QuotaLedger, type QuotaSnapshot, type QuotaUsage } from "../auth/quota-ledger.ts";
import type { RedisConnection } from "../lib/redis-connection.ts";
import { QUOTA_ADMIT, QUOTA_SETTLE, QUOTA_SNAPSHOT } from "./redis-quota-scripts.ts";

/** How long settled totals outlive their last change; after that, instances reload from the database. */
const TOTALS_TTL_MS = 7 * 24 * 3_600_000;
/** Settles that failed while Redis was away, replayed when it is back (bounded: leases lapse anyway). */
const MAX_UNSETTLED = 10_000;

/**
 * Quota leases and settled totals in Redis, so that every instance admits against the same
 * calls in flight and sees usage another instance counted at once (see quota-ledger.ts). A
 * lease is renewed while its call runs and lapses `leaseTtlMs` after its instance stopped
 * renewing it (crashed). While Redis is away, this instance decides alone with its own leases
 * and its own copy of the usage.
 */
export class RedisQuotaLedger implements QuotaLedger {
  readonly shared = true;
  private readonly local = new MemoryQuotaLedger();
  /** Leases of calls running here: lease id → its key's leases set and tokens hash. */
  private readonly live = new Map<string, string[]>();
  private unsettled: Array<{ keys: string[]; args: Array<string | number> }> = [];
  private sequence = 0;

  constructor(
    private readonly connection: RedisConnection,
    private readonly leaseTtlMs: number,
  ) {
    connection.onRecover(() => this.replaySettles());
    const renewal = setInterval(() => this.renewLeases(), Math.max(50, Math.floor(leaseTtlMs / 3)));
    renewal.unref?.();
    connection.onClose(() => clearInterval(renewal));
  }

  async snapshot(): Promise<QuotaSnapshot | undefined> {
    const flat = (await this.connection.evalScript(QUOTA_SNAPSHOT, [this.totalsKey()], [crypto.randomUUID(), TOTALS_TTL_MS])) as string[] | undefined;
    if (!flat) return undefined;
    let epoch = "";
    const totals = new Map<number, QuotaUsage>();
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const [field, value] = [String(flat[index]), Number(flat[index + 1])];
      if (field === "epoch") {
        epoch = String(flat[index + 1]);
        continue;
      }
      const keyId = Number(field.slice(2));
      const usage = totals.get(keyId) ?? { requests: 0, tokens: 0 };
      if (field.startsWith("r:")) usage.requests = value;
      else if (field.startsWith("t:")) usage.tokens = value;
      totals.set(keyId, usage);
    }
    return { epoch, totals };
  }

  async admit(claim: QuotaClaim): Promise<QuotaAdmission> {
    // Without the loaded snapshot this instance's copy is all it knows: decide with local leases.
    if (!this.connection.available || !claim.loaded) return this.local.admit({ ...claim, loaded: undefined });
    const now = claim.now ?? Date.now();
    const leaseId = `${this.connection.instanceId}:${++this.sequence}`;
    const keys = this.keyKeys(claim.keyId);
    const { loaded, limits } = claim;
    const since = loaded.snapshot.totals.get(claim.keyId);
    const result = (await this.connection.evalScript(QUOTA_ADMIT, keys, [
      now,
      leaseId,
      now + this.leaseTtlMs,
      claim.keyId,
      limits.requests ?? -1,
      limits.tokens ?? -1,
      Math.max(0, Math.round(claim.tokens)),
      loaded.used.requests,
      loaded.used.tokens,
      loaded.snapshot.epoch,
      since?.requests ?? 0,
      since?.tokens ?? 0,
    ])) as number[] | undefined;
    // Redis did not answer: decide with this instance's own leases.
    if (!result) return this.local.admit({ ...claim, loaded: undefined });
    if (result[0] === -1) return { admitted: false, reason: "stale" };
    const used = { requests: result[2], tokens: result[4] };
    const reserved = { requests: result[3], tokens: result[5] };
    if (result[0] === 0) return { admitted: false, reason: result[1] === 1 ? "used-up" : "in-flight", used, reserved };

    this.live.set(leaseId, keys.slice(1));
    let settled = false;
    return {
      admitted: true,
      lease: {
        keyId: claim.keyId,
        settle: (usage) => {
          if (settled) return;
          settled = true;
          this.live.delete(leaseId);
          this.settle(keys, [leaseId, claim.keyId, Math.max(0, usage.requests), Math.max(0, Math.round(usage.tokens)), TOTALS_TTL_MS]);
        },
      },
    };
  }

  private settle(keys: string[], args: Array<string | number>): void {
    void this.connection.evalScript(QUOTA_SETTLE, keys, args).then((answer) => {
      // Kept for later: until then the lease holds its unit (until it lapses at the latest).
      if (answer === undefined && this.unsettled.length < MAX_UNSETTLED) this.unsettled.push({ keys, args });
    });
  }

  private async replaySettles(): Promise<void> {
    const pending = this.unsettled;
    this.unsettled = [];
    for (const { keys, args } of pending) await this.connection.evalScript(QUOTA_SETTLE, keys, args);
  }

  /** Pushes the expiry of the leases of calls still running here. */
  private renewLeases(): void {
    if (this.live.size === 0 || !this.connection.available) return;
    const expiry = String(Date.now() + this.leaseTtlMs);
    const byKey = new Map<string, { tokensKey: string; members: string[] }>();
    for (const [leaseId, [leasesKey, tokensKey]] of this.live) {
      let entry = byKey.get(leasesKey);
      if (!entry) byKey.set(leasesKey, (entry = { tokensKey, members: [] }));
      entry.members.push(expiry, leaseId);
    }
    const ttl = String(this.leaseTtlMs + 1_000);
    for (const [leasesKey, { tokensKey, members }] of byKey) {
      void this.connection.run(async (client) => {
        // XX: a lease that was already settled (or lapsed) is not brought back.
        await client.send("ZADD", [leasesKey, "XX", ...members]);
        await client.send("PEXPIRE", [leasesKey, ttl]);
        await client.send("PEXPIRE", [tokensKey, ttl]);
      });
    }
  }

  private totalsKey(): string {
    return this.connection.key("quota", "totals");
  }

  private keyKeys(keyId: number): string[] {
    return [this.totalsKey(), this.connection.key("quota", keyId, "leases"), this.connection.key("quota", keyId, "tokens")];
  }
}
