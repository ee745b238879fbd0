/**
 * A least-recently-used map bounded by the total weight of its values (series lengths, not entry
 * counts: one model's history may be 10 rounds or 1,000). The series cache and the digest loader
 * share it. A value heavier than the bound is kept alone until the next `set`.
 */
export class WeightedLru<V> {
  // Least recently used first: a Map keeps insertion order, and a use re-inserts.
  private readonly entries = new Map<string, V>();
  private weight = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly weightOf: (value: V) => number,
  ) {}

  /** The value of `key`, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value of `key` without counting as a use (its place in the order stays); undefined when absent. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` as the most recently used, then drops the least recently used until within the bound. */
  set(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.weight -= this.weightOf(old);
    }
    this.replace(key, value);
  }

  /**
   * Stores a new `value` for `key`, held or not, without counting as a use: a held key keeps its
   * place in the order (a refresh of what commands used, not a use), a new one goes in as the most
   * recently used. Then drops the least recently used, never `key`, until within the bound.
   */
  replace(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) this.weight -= this.weightOf(old);
    // Map.set on a key it holds keeps the key's position.
    this.entries.set(key, value);
    this.weight += this.weightOf(value);
    this.shrink(key);
  }

  /** Drops the least recently used until within the bound, never `keep`. */
  private shrink(keep: string): void {
    for (const [oldKey, v] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      if (oldKey === keep) continue;
      this.entries.delete(oldKey);
      this.weight -= this.weightOf(v);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Weight that can still be added without dropping anything (0 when full). */
  get room(): number {
    return Math.max(0, this.maxWeight - this.weight);
  }
}
