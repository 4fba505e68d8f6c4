/**
 * A map that keeps at most `capacity` entries, each for at most `ttlMs`: the least recently used entry goes
 * first when full. Given a key and a way to compute its value, get() returns the cached value or computes it.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  get(key: string, compute: () => V, now = Date.now()): V {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      // Re-inserting moves the key to the end: the Map's order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    const value = compute();
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    return value;
  }
}
