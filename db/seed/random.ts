/**
 * A seeded pseudo-random source for the seed generator: the same seed gives the same sequence on every
 * machine and Node version, which Math.random cannot promise. The generator is sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator, 128 bits of state, passes PractRand), seeded through splitmix32.
 */

/** A prepared table of weighted choices: cumulative weights computed once, picked by binary search. */
export interface Weighted<T> {
  readonly values: readonly T[];
  readonly cumulative: readonly number[];
  readonly total: number;
}

/** Given [value, weight] pairs with non-negative weights (at least one positive), returns the prepared table. */
export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [value, weight] of entries) {
    if (!(weight >= 0)) throw new RangeError(`weight of ${String(value)} must be a non-negative number, got ${weight}`);
    if (weight === 0) continue;
    total += weight;
    values.push(value);
    cumulative.push(total);
  }
  if (total === 0) throw new RangeError('a weighted choice needs at least one positive weight');
  return { values, cumulative, total };
}

/** Mixes 32-bit words into one well-spread 32-bit word (murmur3's finaliser), so nearby inputs give unrelated seeds. */
export function mixSeed(...words: number[]): number {
  let hash = 0x9e3779b9;
  for (const word of words) {
    hash = Math.imul(hash ^ (word >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Given any number of 32-bit words (a seed, then stream numbers), starts an independent sequence. */
  constructor(...seedWords: number[]) {
    let state = mixSeed(...seedWords);
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    // The first outputs of sfc32 still echo the seed; the reference implementation discards a dozen.
    for (let round = 0; round < 12; round += 1) this.nextUint32();
  }

  /** Returns the next 32-bit unsigned integer of the sequence. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Returns a number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Given bounds, returns a whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Given bounds, returns a number in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** Given a probability from 0 to 1, returns true that often. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Given a non-empty list, returns one of its items, each as likely. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Given a prepared table (or [value, weight] pairs), returns a value with probability proportional to its weight. */
  weightedPick<T>(choices: Weighted<T> | ReadonlyArray<readonly [T, number]>): T {
    const table = 'cumulative' in choices ? choices : weighted(choices);
    const target = this.next() * table.total;
    let low = 0;
    let high = table.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (table.cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return table.values[low]!;
  }
}
