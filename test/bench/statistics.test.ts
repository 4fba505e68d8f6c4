import { median, percentile, summarizeLatencies } from '../../bench/statistics';

describe('percentile', () => {
  it('takes the nearest rank of sorted values', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, ignoring non-numbers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('summarizeLatencies', () => {
  it('sorts before taking percentiles', () => {
    const latencies = Array.from({ length: 200 }, (_, index) => 200 - index);
    expect(summarizeLatencies(latencies)).toEqual({ p50: 100, p95: 190, p99: 198, max: 200 });
  });
});
