import type { AuditFloor, BenchRun, Measurement, MedianResult, PageSizeProbe } from './results';
import type { ShapeName } from './shapes';
import { SHAPES } from './shapes';
import type { TargetName } from './targets';
import { TARGETS } from './targets';

/** One target of the issue, evaluated: met, missed, or not evaluated (and why), with the margin in words. */
export interface GoalVerdict {
  goal: string;
  verdict: 'met' | 'missed' | 'not evaluated';
  /** By how much it is met or missed, or why it could not be evaluated. */
  margin: string;
  /** The per-shape figures it rests on. */
  detail: string;
}

/** The shapes the throughput and cost targets are stated for. */
const THROUGHPUT_SHAPES: ShapeName[] = ['Q1', 'Q2', 'Q3', 'Q4'];
const LATENCY_LIMIT_PER_LEVEL_MS = 1.0;
const POLICY_COST_LIMIT = 0.1;
/** The audit's targets: at most this much of the throughput lost at c=16, and at most the durable-write floor plus this much added to p50 at c=1. */
const AUDIT_THROUGHPUT_COST_LIMIT = 0.1;
const AUDIT_P50_OVER_FLOOR_MS = 0.25;

/** Given a run, a target, a shape and a concurrency, returns the medians measured, or null. */
export function find(run: Pick<BenchRun, 'measurements'>, target: TargetName, shape: ShapeName, concurrency: number): MedianResult | null {
  const found = run.measurements.find((m: Measurement) => m.target === target && m.shape === shape && m.concurrency === concurrency);
  return found?.status === 'ok' ? found.median : null;
}

export const format = (value: number, digits = 2) => value.toFixed(digits);
export const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
/** Given a relative change, returns it with its sign: +8.1%, −7.3%. */
export const signedPercent = (fraction: number) => `${fraction < 0 ? '−' : '+'}${percent(Math.abs(fraction))}`;

/**
 * Given per-shape values (null where not measured), a test and how to describe the worst, returns the verdict:
 * met when every measured shape passes, with the margin of the worst one.
 */
export function verdictOver(
  goal: string,
  values: Array<{ shape: ShapeName; value: number | null; text: string }>,
  passes: (value: number) => boolean,
  worstOf: (values: number[]) => number,
  margin: (worst: number) => string,
  missing: string,
): GoalVerdict {
  const measured = values.filter((entry): entry is { shape: ShapeName; value: number; text: string } => entry.value !== null && Number.isFinite(entry.value));
  if (measured.length === 0) return { goal, verdict: 'not evaluated', margin: missing, detail: '' };
  const worst = worstOf(measured.map((entry) => entry.value));
  const unmeasured = values.filter((entry) => entry.value === null).map((entry) => entry.shape);
  return {
    goal,
    verdict: measured.every((entry) => passes(entry.value)) ? 'met' : 'missed',
    margin: margin(worst),
    detail: measured.map((entry) => `${entry.shape} ${entry.text}`).join('; ') + (unmeasured.length ? `; not measured: ${unmeasured.join(', ')}` : ''),
  };
}

/**
 * Given the page-size probes, tells whether SQL statements per request depend on the page size. A lookup that
 * is skipped when a page has nothing to look up (no pupil, so no school) makes the count move by less than
 * one statement per subgraph call; a statement per row would add at least one per extra row. So: met when,
 * on every probe, the larger page costs fewer than one extra statement per subgraph call.
 */
function pageSizeVerdict(probes: readonly PageSizeProbe[]): GoalVerdict {
  const goal = 'SQL statements per request do not depend on page size';
  if (probes.length === 0) return { goal, verdict: 'not evaluated', margin: 'no page-size probe ran (needs Q2 or Q4 and a gateway target)', detail: '' };
  const growth = probes.map((probe) => ({
    probe,
    extra: probe.statementsPerRequest[1] - probe.statementsPerRequest[0],
    bound: probe.subgraphCallsPerRequest[1],
  }));
  const failing = growth.filter((entry) => entry.extra >= entry.bound);
  const worst = Math.max(...growth.map((entry) => entry.extra));
  return {
    goal,
    verdict: failing.length === 0 ? 'met' : 'missed',
    margin:
      failing.length === 0
        ? `at most ${worst <= 0 ? 'no' : `+${format(worst, 2)}`} statements per request at the larger page: fewer than one per subgraph call, where a statement per row would add one per extra row`
        : `grows with the page on ${failing.map((entry) => `${TARGETS[entry.probe.target].label} ${entry.probe.shape} (+${format(entry.extra, 1)})`).join(', ')}`,
    detail: probes
      .map(
        (probe) =>
          `${TARGETS[probe.target].label} ${probe.shape}: ${format(probe.statementsPerRequest[0], 2)} statements in ${format(probe.subgraphCallsPerRequest[0], 1)} calls at first=${probe.pageSizes[0]}, ${format(probe.statementsPerRequest[1], 2)} in ${format(probe.subgraphCallsPerRequest[1], 1)} at first=${probe.pageSizes[1]}`,
      )
      .join('; '),
  };
}

/**
 * Given a run and its two concurrencies, returns the audit's two verdicts, everything on against policy only: the
 * throughput it costs at the higher concurrency on each of Q1–Q4 (at most 10%), and the p50 it adds at the lower
 * one (at most the durable-write floor measured in the same run, bench/auditFloor.ts, plus 0.25 ms).
 */
function auditVerdicts(
  run: Pick<BenchRun, 'measurements' | 'options'> & { auditFloor?: AuditFloor | null },
  latency: number,
  throughput: number,
): GoalVerdict[] {
  const shapes = THROUGHPUT_SHAPES.filter((shape) => run.options.shapes.includes(shape));
  const versus = `${TARGETS['ours-full'].label} vs ${TARGETS['ours-policy'].label}`;
  const needs = `needs ${TARGETS['ours-full'].label} and ${TARGETS['ours-policy'].label}`;
  const cost = verdictOver(
    `audit's throughput cost at c=${throughput} <= ${percent(AUDIT_THROUGHPUT_COST_LIMIT)} on each of Q1–Q4 (${versus})`,
    shapes.map((shape) => {
      const on = find(run, 'ours-full', shape, throughput);
      const off = find(run, 'ours-policy', shape, throughput);
      const value = on && off && off.requestsPerSecond > 0 ? 1 - on.requestsPerSecond / off.requestsPerSecond : null;
      return {
        shape,
        value,
        text: value === null ? 'n/a' : `${format(on!.requestsPerSecond, 0)} vs ${format(off!.requestsPerSecond, 0)} req/s (${signedPercent(-value)})`,
      };
    }),
    (value) => value <= AUDIT_THROUGHPUT_COST_LIMIT,
    (values) => Math.max(...values),
    (worst) =>
      worst <= AUDIT_THROUGHPUT_COST_LIMIT
        ? `worst ${percent(worst)} lost, ${percent(AUDIT_THROUGHPUT_COST_LIMIT - worst)} under the limit`
        : `worst ${percent(worst)} lost, ${percent(worst - AUDIT_THROUGHPUT_COST_LIMIT)} over the limit`,
    needs,
  );
  const floor = run.auditFloor?.sqliteCommitMs;
  const goal = `audit's added p50 at c=${latency} <= the durable-write floor + ${AUDIT_P50_OVER_FLOOR_MS} ms on each of Q1–Q4 (${versus})`;
  if (floor === undefined)
    return [cost, { goal, verdict: 'not evaluated', margin: "needs the audit's write floor, measured when ours with everything on runs", detail: '' }];
  const limit = floor + AUDIT_P50_OVER_FLOOR_MS;
  const added = verdictOver(
    `${goal.slice(0, -1)}; floor ${format(floor)} ms, limit ${format(limit)} ms)`,
    shapes.map((shape) => {
      const on = find(run, 'ours-full', shape, latency);
      const off = find(run, 'ours-policy', shape, latency);
      const value = on && off ? on.p50 - off.p50 : null;
      return {
        shape,
        value,
        text: value === null ? 'n/a' : `${format(on!.p50)} vs ${format(off!.p50)} ms (${value < 0 ? '−' : '+'}${format(Math.abs(value))} ms)`,
      };
    }),
    (value) => value <= limit,
    (values) => Math.max(...values),
    (worst) =>
      worst <= limit
        ? `worst +${format(worst)} ms, ${format(limit - worst)} ms under the limit`
        : `worst +${format(worst)} ms, ${format(worst - limit)} ms over the limit`,
    needs,
  );
  return [cost, added];
}

/**
 * Given a finished run, evaluates the latency target, the costs of policy alone and of the audit alone, and
 * the page-size probe (the CPU targets are bench/cpuGoals.ts's). Our gateway is taken with everything on; where
 * that was not available, the figures of policy-off stand in and the goal says so.
 */
export function evaluateGoals(run: Pick<BenchRun, 'measurements' | 'pageSizeProbes' | 'options'> & { auditFloor?: AuditFloor | null }): GoalVerdict[] {
  const latency = Math.min(...run.options.concurrencies);
  const throughput = Math.max(...run.options.concurrencies);
  const fullMeasured = run.measurements.some((m) => m.target === 'ours-full' && m.status === 'ok');
  const ours: TargetName = fullMeasured ? 'ours-full' : 'ours-off';
  const standIn = fullMeasured ? '' : ` [${TARGETS['ours-full'].label} not available: measured on ${TARGETS['ours-off'].label}]`;
  const shapesMeasured = run.options.shapes.filter((shape) => !SHAPES[shape].needsPolicy);
  const verdicts: GoalVerdict[] = [];

  verdicts.push(
    verdictOver(
      `p50 at c=${latency}: ours adds at most ${LATENCY_LIMIT_PER_LEVEL_MS} ms per fetch level over direct calls${standIn}`,
      shapesMeasured.map((shape) => {
        const mine = find(run, ours, shape, latency);
        const floor = find(run, 'direct', shape, latency);
        const levels = SHAPES[shape].fetchLevels;
        const value = mine && floor ? (mine.p50 - floor.p50) / levels : null;
        return {
          shape,
          value,
          text: value === null ? 'n/a' : `${format(mine!.p50)} vs ${format(floor!.p50)} ms over ${levels} level(s): ${format(value)} ms/level`,
        };
      }),
      (value) => value <= LATENCY_LIMIT_PER_LEVEL_MS,
      (values) => Math.max(...values),
      (worst) =>
        worst <= LATENCY_LIMIT_PER_LEVEL_MS
          ? `worst ${format(worst)} ms/level, ${format(LATENCY_LIMIT_PER_LEVEL_MS - worst)} ms under the limit`
          : `worst ${format(worst)} ms/level, ${format(worst - LATENCY_LIMIT_PER_LEVEL_MS)} ms over the limit`,
      `needs ${TARGETS.direct.label} and ours at c=${latency}`,
    ),
  );

  // What a feature costs: the worse of the throughput lost at c=16 and the p50 added at c=1, target `on` against `off`.
  const costGoal = (what: string, on: TargetName, off: TargetName): GoalVerdict =>
    verdictOver(
      `${what} cost < ${percent(POLICY_COST_LIMIT)} (throughput at c=${throughput} and p50 at c=${latency}, Q1–Q4, ${TARGETS[on].label} vs ${TARGETS[off].label})`,
      THROUGHPUT_SHAPES.filter((shape) => run.options.shapes.includes(shape)).map((shape) => {
        const with_ = [find(run, on, shape, throughput), find(run, on, shape, latency)] as const;
        const without = [find(run, off, shape, throughput), find(run, off, shape, latency)] as const;
        if (!with_[0] || !without[0] || !with_[1] || !without[1]) return { shape, value: null, text: 'n/a' };
        const throughputCost = 1 - with_[0].requestsPerSecond / without[0].requestsPerSecond;
        const latencyCost = with_[1].p50 / without[1].p50 - 1;
        return { shape, value: Math.max(throughputCost, latencyCost), text: `throughput ${signedPercent(-throughputCost)}, p50 ${signedPercent(latencyCost)}` };
      }),
      (value) => value < POLICY_COST_LIMIT,
      (values) => Math.max(...values),
      (worst) =>
        worst < POLICY_COST_LIMIT
          ? `worst ${percent(worst)}, ${percent(POLICY_COST_LIMIT - worst)} under the limit`
          : `worst ${percent(worst)}, ${percent(worst - POLICY_COST_LIMIT)} over the limit`,
      `needs ${TARGETS[on].label} and ${TARGETS[off].label}`,
    );
  verdicts.push(costGoal('policy alone', 'ours-policy', 'ours-off'));
  verdicts.push(...auditVerdicts(run, latency, throughput));

  verdicts.push(pageSizeVerdict(run.pageSizeProbes));

  return verdicts;
}
