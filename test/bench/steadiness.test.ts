import { STEADY, isSteady, warmupDone } from '../../bench/steadiness';

describe('isSteady', () => {
  it('calls the CPU per request steady once the last three windows are within 5% of their median', () => {
    expect(isSteady([2.7, 1.9, 1.5, 1.02, 1.0, 0.98])).toBe(true);
    expect(isSteady([1.0, 1.0, 1.2])).toBe(false);
    expect(isSteady([1.3, 1.0, 1.04, 0.97])).toBe(true);
  });

  it('needs as many windows as the rule, every one of them measured', () => {
    expect(isSteady([1, 1])).toBe(false);
    expect(isSteady([1, Number.NaN, 1])).toBe(false);
    expect(isSteady([0, 0, 0])).toBe(false);
    expect(isSteady([1, 1.15, 1.3], { windows: 3, tolerance: 0.2 })).toBe(true);
    expect(STEADY).toEqual({ windows: 3, tolerance: 0.05 });
  });
});

describe('warmupDone', () => {
  const steady = [1, 1, 1];
  it('never stops before the least warm-up, stops once steady after it, and always at the most', () => {
    expect(warmupDone(10, 60, 6, steady)).toBe(false);
    expect(warmupDone(10, 60, 10, steady)).toBe(true);
    expect(warmupDone(10, 60, 30, [3, 2, 1])).toBe(false);
    expect(warmupDone(10, 60, 60, [3, 2, 1])).toBe(true);
    expect(warmupDone(0, 0, 0, [])).toBe(true);
  });
});
