import type { GoalVerdict } from './goals';
import { find, format, percent, signedPercent, verdictOver } from './goals';
import type { BenchRun } from './results';
import type { TargetName } from './targets';
import { TARGETS } from './targets';

/** Metrics and the access log (tracing off) add at most this much gateway CPU per request to the gateway without them. */
export const OBSERVABILITY_LIMIT = 0.02;

/** The same with the quotas counted in Redis. */
export const OBSERVABILITY_REDIS_LIMIT = 0.05;

type Run = Pick<BenchRun, 'measurements' | 'options'>;

/**
 * Given the run, a target, its limit and a concurrency, returns the verdict on what the target adds to the gateway's
 * CPU per request over ours with observability off, on every shape measured at both, from the same run.
 */
function costOverBare(run: Run, target: TargetName, limit: number, concurrency: number): GoalVerdict {
  const base: TargetName = 'ours-bare';
  return verdictOver(
    `${TARGETS[target].label} adds under ${percent(limit)} gateway CPU per request to ${TARGETS[base].label} at c=${concurrency}`,
    run.options.shapes.map((shape) => {
      const on = find(run, target, shape, concurrency);
      const off = find(run, base, shape, concurrency);
      const value = on && off && off.cpu.gateway > 0 ? on.cpu.gateway / off.cpu.gateway - 1 : null;
      return { shape, value, text: value === null ? 'n/a' : `${format(on!.cpu.gateway, 3)} vs ${format(off!.cpu.gateway, 3)} ms (${signedPercent(value)})` };
    }),
    (value) => value < limit,
    (values) => Math.max(...values),
    (worst) =>
      worst < limit ? `worst ${signedPercent(worst)}, under the ${percent(limit)} limit` : `worst ${signedPercent(worst)}, over the ${percent(limit)} limit`,
    `needs ${TARGETS[target].label} and ${TARGETS[base].label} at c=${concurrency}`,
  );
}

/**
 * Given a finished run, the verdicts on what running as production does costs: metrics and the access log
 * (under 2%), and with the quotas in Redis as well (under 5%), in gateway CPU per request against ours with
 * observability off, read at the highest concurrency as the other CPU verdicts are (an idle process's timers weigh
 * least there). Not evaluated unless ours with observability off ran.
 */
export function evaluateObservabilityGoals(run: Run): GoalVerdict[] {
  if (!run.options.targets.includes('ours-bare')) return [];
  const throughput = Math.max(...run.options.concurrencies);
  return [costOverBare(run, 'ours-production', OBSERVABILITY_LIMIT, throughput), costOverBare(run, 'ours-redis', OBSERVABILITY_REDIS_LIMIT, throughput)];
}
