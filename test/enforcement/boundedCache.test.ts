import { BoundedCache } from '../../gateway/enforcement/boundedCache';

describe('BoundedCache', () => {
  it('computes once per key while the entry is fresh, again once it has expired', () => {
    const cache = new BoundedCache<number>(10, 1000);
    let computed = 0;
    const compute = () => ++computed;
    expect(cache.get('a', compute, 0)).toBe(1);
    expect(cache.get('a', compute, 999)).toBe(1);
    expect(cache.get('a', compute, 1000)).toBe(2);
  });

  it('drops the least recently used entry when full', () => {
    const cache = new BoundedCache<string>(2, 60_000);
    cache.get('a', () => 'a1', 0);
    cache.get('b', () => 'b1', 0);
    cache.get('a', () => 'a2', 1);
    cache.get('c', () => 'c1', 2);
    expect(cache.get('a', () => 'a3', 3)).toBe('a1');
    expect(cache.get('b', () => 'b2', 3)).toBe('b2');
  });
});
