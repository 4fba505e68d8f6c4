import { renderChart } from '../../bench/chart';
import { evaluateGoals } from '../../bench/goals';
import { parseBenchArguments } from '../../bench/options';
import type { BenchRun, Measurement, MedianResult } from '../../bench/results';
import type { ShapeName } from '../../bench/shapes';
import type { TargetName } from '../../bench/targets';

/** Given the figures that matter, returns a measured result with everything else zero. */
function measured(target: TargetName, shape: ShapeName, concurrency: number, requestsPerSecond: number, p50: number): Measurement {
  const median: MedianResult = {
    requests: requestsPerSecond * 30,
    seconds: 30,
    requestsPerSecond,
    p50,
    p95: p50 * 2,
    p99: p50 * 3,
    non2xx: 0,
    graphqlErrors: 0,
    failed: 0,
    meanResponseBytes: 1000,
    gatewayCores: target === 'direct' ? null : 1,
    gatewayResidentMegabytes: target === 'direct' ? null : 100,
    otherLoadOnGatewayCpus: target === 'direct' ? null : 0.1,
    subgraphCores: 0.5,
    loadGeneratorCores: 0.2,
    databaseCores: 0.3,
    subgraphCallsPerRequest: 2,
    statementsPerRequest: 4,
  };
  return { target, shape, concurrency, status: 'ok', note: null, repetitions: [{ ...median, firstError: null }], median };
}

/** A run of Q1 and Q2 where ours (policy off) is 2x Apollo, level with Hive router, and 1 ms per level above the floor. */
function sampleRun(citizens = 100_000): Pick<BenchRun, 'measurements' | 'pageSizeProbes' | 'options' | 'data'> {
  const options = { ...parseBenchArguments(['--shapes', 'Q1,Q2', '--targets', 'direct,apollo,ours-off,hive-router']), citizens };
  const measurements: Measurement[] = [];
  for (const shape of ['Q1', 'Q2'] as const) {
    const levels = shape === 'Q1' ? 1 : 2;
    measurements.push(measured('direct', shape, 1, 1000, 1), measured('direct', shape, 16, 4000, 4));
    measurements.push(measured('ours-off', shape, 1, 500, 1 + levels), measured('ours-off', shape, 16, 2000, 8));
    measurements.push(measured('apollo', shape, 1, 300, 3), measured('apollo', shape, 16, 1000, 16));
    measurements.push(measured('hive-router', shape, 1, 500, 2), measured('hive-router', shape, 16, 2000, 8));
  }
  return {
    options,
    measurements,
    data: { citizens, engine: 'mysql', description: '', seededNow: false, seedSeconds: 0 },
    pageSizeProbes: [{ target: 'ours-off', shape: 'Q2', pageSizes: [10, 50], statementsPerRequest: [4, 4], subgraphCallsPerRequest: [3, 3] }],
  };
}

describe('evaluateGoals', () => {
  it("weighs the audit's throughput cost at c=16 against 10% and its added p50 at c=1 against the write floor plus 0.25 ms", () => {
    const run = sampleRun();
    run.options = { ...run.options, shapes: ['Q1', 'Q2'] };
    // Q1: 5% of the throughput and 0.30 ms of p50; Q2: 12% and 0.50 ms.
    run.measurements.push(measured('ours-policy', 'Q1', 1, 500, 2), measured('ours-policy', 'Q1', 16, 1000, 8), measured('ours-full', 'Q1', 1, 480, 2.3), measured('ours-full', 'Q1', 16, 950, 8));
    run.measurements.push(measured('ours-policy', 'Q2', 1, 300, 3), measured('ours-policy', 'Q2', 16, 500, 16), measured('ours-full', 'Q2', 1, 280, 3.5), measured('ours-full', 'Q2', 16, 440, 16));
    const [cost, added] = evaluateGoals({ ...run, auditFloor: { sqliteCommitMs: 0.2 } as never }, null).slice(5, 7);
    expect(cost).toMatchObject({ verdict: 'missed', margin: 'worst 12.0% lost, 2.0% over the limit' });
    expect(cost!.detail).toBe('Q1 950 vs 1000 req/s (−5.0%); Q2 440 vs 500 req/s (−12.0%)');
    expect(added).toMatchObject({ verdict: 'missed', margin: 'worst +0.50 ms, 0.05 ms over the limit' });
    expect(added!.goal).toContain('floor 0.20 ms, limit 0.45 ms');
    const withRoom = evaluateGoals({ ...run, auditFloor: { sqliteCommitMs: 0.3 } as never }, null)[6];
    expect(withRoom).toMatchObject({ verdict: 'met', margin: 'worst +0.50 ms, 0.05 ms under the limit' });
    expect(evaluateGoals(run, null)[6]).toMatchObject({ verdict: 'not evaluated' });
  });

  it('states each target as met, missed or not evaluated, with the margin of the worst shape', () => {
    const verdicts = evaluateGoals(sampleRun(), null);
    expect(verdicts.map((verdict) => verdict.verdict)).toEqual(['met', 'met', 'met', 'not evaluated', 'not evaluated', 'not evaluated', 'not evaluated', 'met', 'not evaluated']);
    expect(verdicts[0]!.margin).toBe('worst 1.00 ms/level, 0.50 ms under the limit');
    expect(verdicts[0]!.goal).toContain('measured on ours, policy+audit off');
    expect(verdicts[1]!.margin).toBe('worst 2.00x, 33.3% above the 1.5x bar');
    expect(verdicts[2]!.margin).toBe('worst 1.00x, 0.0% above the 1x bar');
    expect(verdicts[7]!.detail).toContain('4.00 statements in 3.0 calls at first=10, 4.00 in 3.0 at first=50');
    expect(verdicts[7]!.margin).toContain('at most no statements per request at the larger page');
  });

  it('says by how much a target is missed', () => {
    const run = sampleRun();
    run.measurements = run.measurements.map((m) => (m.target === 'ours-off' && m.concurrency === 16 && m.shape === 'Q2' ? measured('ours-off', 'Q2', 16, 1200, 8) : m));
    run.pageSizeProbes = [
      { target: 'ours-off', shape: 'Q2', pageSizes: [10, 50], statementsPerRequest: [4, 44], subgraphCallsPerRequest: [3, 3] },
      { target: 'ours-off', shape: 'Q4', pageSizes: [20, 100], statementsPerRequest: [10.5, 11], subgraphCallsPerRequest: [6, 6] },
    ];
    const verdicts = evaluateGoals(run, null);
    expect(verdicts[1]).toMatchObject({ verdict: 'missed', margin: 'worst 1.20x, 20.0% short of the 1.5x bar' });
    expect(verdicts[2]).toMatchObject({ verdict: 'missed', margin: 'worst 0.60x, 40.0% short of the 1x bar' });
    expect(verdicts[7]).toMatchObject({ verdict: 'missed', margin: 'grows with the page on ours, policy+audit off Q2 (+40.0)' });
  });

  it('takes a lookup skipped on an empty page (under one statement per call) for no dependence on page size', () => {
    const run = sampleRun();
    run.pageSizeProbes = [{ target: 'ours-off', shape: 'Q4', pageSizes: [20, 100], statementsPerRequest: [10.5, 11], subgraphCallsPerRequest: [6, 6] }];
    expect(evaluateGoals(run, null)[7]).toMatchObject({ verdict: 'met', margin: expect.stringContaining('at most +0.50 statements per request at the larger page') });
  });

  it('compares p50 with the latest run at the other size when both 100,000 and 1,000,000 were run', () => {
    const large = sampleRun(1_000_000);
    large.measurements = large.measurements.map((m) => (m.target === 'ours-off' && m.concurrency === 1 ? measured('ours-off', m.shape, 1, 400, m.median!.p50 * 1.25) : m));
    const verdict = evaluateGoals(large, sampleRun(100_000))[8]!;
    expect(verdict.verdict).toBe('missed');
    expect(verdict.margin).toBe('worst 25.0%, 5.0% over the limit');
  });
});

describe('renderChart', () => {
  it('draws one bar per measured target and shape in each panel, and nothing for what was not measured', () => {
    const svg = renderChart(sampleRun());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // 4 targets x 2 shapes x 2 panels, plus 4 legend swatches and the background.
    expect(svg.match(/<rect /g)).toHaveLength(4 * 2 * 2 + 4 + 1);
    expect(svg).not.toContain('Hive Gateway</text>');
    expect(svg).toContain('Hive Gateway + router-runtime');
  });
});
