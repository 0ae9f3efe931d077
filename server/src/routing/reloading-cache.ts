/**
 * A value read from the database and kept in memory until dropped (an admin write here,
 * another instance's change notice, or `changedElsewhere()` saying another process wrote).
 * Concurrent reads share one load, and a load overtaken by `drop()` is not kept.
 */
export class ReloadingCache<Value> {
  private value: Value | undefined;
  private loading: Promise<Value> | undefined;
  private version = 0;

  constructor(
    private readonly read: () => Promise<Value>,
    private readonly changedElsewhere: () => boolean = () => false,
  ) {}

  /** Bumped on every drop; lets dependants cache what they derive from the value. */
  get revision(): number {
    return this.version;
  }

  /** The kept value (already resolved once loaded), else a load shared by every caller meanwhile. */
  get(): Promise<Value> {
    if (this.value !== undefined && this.changedElsewhere()) this.drop();
    if (this.value !== undefined) return Promise.resolve(this.value);
    if (!this.loading) {
      const version = this.version;
      const loading = this.read()
        .then((value) => {
          if (this.version === version) this.value = value;
          return value;
        })
        .finally(() => {
          if (this.loading === loading) this.loading = undefined;
        });
      this.loading = loading;
    }
    return this.loading;
  }

  /** The kept value without loading it (undefined when not loaded). */
  peek(): Value | undefined {
    return this.value;
  }

  drop(): void {
    this.value = undefined;
    this.loading = undefined;
    this.version++;
  }
}
