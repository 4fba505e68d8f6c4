import { indexBy } from './batch';

/** How long a subgraph serves a row of open reference data from memory, and how many rows of one table it keeps. */
export interface ReferenceCacheConfig {
  /** Milliseconds a row is served after it was read; 0 reads every row from the database each request. */
  ttlMs: number;
  /** The most rows kept per table: past it, the row read longest ago goes. */
  maxRows: number;
}

/** What a subgraph keeps unless configured (REFERENCE_CACHE_TTL_MS, REFERENCE_CACHE_MAX_ROWS). */
export const REFERENCE_CACHE_DEFAULTS: ReferenceCacheConfig = { ttlMs: 60_000, maxRows: 10_000 };

interface Entry<Row> {
  row: Readonly<Row>;
  expiresAt: number;
}

/**
 * Rows of one table of open reference data (no row scope, no personal data: administrative units, schools, health
 * facilities), kept across requests by key, each for at most ttlMs after it was read, at most maxRows at once. A key
 * that matches no row is not kept, so unknown keys cannot fill it. Each request is served a copy of the row kept (Apollo
 * Federation writes __typename into an entity), so one request cannot change what another is served. Nothing else may
 * go in: what a caller may see of any other table depends on who asks.
 */
export class ReferenceCache<Key, Row extends object> {
  private readonly entries = new Map<Key, Entry<Row>>();

  constructor(
    private readonly config: ReferenceCacheConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Given the keys of a batch, how to read the rows of some keys (one statement) and the key of a row, returns a
   * row or null per key, in key order: those held and fresh from memory, the others read at once and kept.
   */
  async rowsOf(keys: readonly Key[], read: (keys: readonly Key[]) => Promise<Row[]>, keyOf: (row: Row) => Key): Promise<Array<Row | null>> {
    if (this.config.ttlMs === 0) return indexBy(keys, await read(keys), keyOf);
    const now = this.now();
    const found = new Map<Key, Row>();
    const missing: Key[] = [];
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry !== undefined && entry.expiresAt > now) found.set(key, { ...entry.row });
      else missing.push(key);
    }
    if (missing.length > 0) {
      for (const row of await read(missing)) {
        const key = keyOf(row);
        this.keep(key, row, now);
        found.set(key, row);
      }
    }
    return keys.map((key) => found.get(key) ?? null);
  }

  /** Given a row just read, keeps a frozen copy until its time is up, dropping the row read longest ago when full. */
  private keep(key: Key, row: Row, now: number): void {
    const frozen = Object.freeze({ ...row });
    // Deleted first, so that the Map's order stays the order the rows were read in.
    this.entries.delete(key);
    if (this.entries.size >= this.config.maxRows) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { row: frozen, expiresAt: now + this.config.ttlMs });
  }
}

/**
 * A subgraph server's reference caches, one per table of open reference data, made when first asked for and kept
 * as long as the server runs.
 */
export class ReferenceTables {
  private readonly tables = new Map<string, ReferenceCache<unknown, object>>();

  constructor(
    private readonly config: ReferenceCacheConfig = REFERENCE_CACHE_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Given the name of a table of open reference data, returns its cache. */
  table<Key, Row extends object>(name: string): ReferenceCache<Key, Row> {
    let cache = this.tables.get(name);
    if (cache === undefined) {
      cache = new ReferenceCache<unknown, object>(this.config, this.now);
      this.tables.set(name, cache);
    }
    return cache as ReferenceCache<Key, Row>;
  }
}
