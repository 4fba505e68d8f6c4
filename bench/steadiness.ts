import { median } from './statistics';

/** When the warm-up calls the CPU per request steady: the last `windows` windows within `tolerance` of their median. */
export interface SteadinessRule {
  windows: number;
  tolerance: number;
}

/** Three windows in a row within 5% of their median. */
export const STEADY: SteadinessRule = { windows: 3, tolerance: 0.05 };

/** Seconds of one warm-up window: the CPU per request is read at the end of each. */
export const WARMUP_WINDOW_SECONDS = 2;

/**
 * Given the CPU per request of successive warm-up windows (oldest first) and the rule, tells whether it has
 * settled: the last `rule.windows` values are all finite, positive and within `rule.tolerance` of their median.
 */
export function isSteady(series: readonly number[], rule: SteadinessRule = STEADY): boolean {
  if (series.length < rule.windows) return false;
  const last = series.slice(-rule.windows);
  if (!last.every((value) => Number.isFinite(value) && value > 0)) return false;
  const middle = median(last);
  return last.every((value) => Math.abs(value - middle) <= rule.tolerance * middle);
}

/**
 * Given the least and the most warm-up in seconds, the seconds warmed so far and the series so far, tells
 * whether the warm-up is over: never before the least, always at the most, and in between once steady.
 */
export function warmupDone(
  leastSeconds: number,
  mostSeconds: number,
  elapsedSeconds: number,
  series: readonly number[],
  rule: SteadinessRule = STEADY,
): boolean {
  if (elapsedSeconds >= mostSeconds) return true;
  return elapsedSeconds >= leastSeconds && isSteady(series, rule);
}
