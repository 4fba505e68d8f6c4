import { renderChart } from '../../bench/chart';
import { evaluateGoals } from '../../bench/goals';
import type { BenchRun } from '../../bench/results';
import { cpuOf, emptyRun, measured } from './benchRun';

/** A run of Q1 and Q2 where ours (policy off) is 1 ms per level above the floor. */
function sampleRun(): Pick<BenchRun, 'measurements' | 'pageSizeProbes' | 'options' | 'data' | 'scale'> {
  const run = emptyRun(['--shapes', 'Q1,Q2', '--targets', 'direct,apollo,ours-off,hive-router']);
  for (const shape of ['Q1', 'Q2'] as const) {
    const levels = shape === 'Q1' ? 1 : 2;
    run.measurements.push(
      measured('direct', shape, 1, { requestsPerSecond: 1000, p50: 1 }),
      measured('direct', shape, 16, { requestsPerSecond: 4000, p50: 4 }),
    );
    run.measurements.push(
      measured('ours-off', shape, 1, { requestsPerSecond: 500, p50: 1 + levels }),
      measured('ours-off', shape, 16, { requestsPerSecond: 2000, p50: 8 }),
    );
    run.measurements.push(
      measured('apollo', shape, 1, { requestsPerSecond: 300, p50: 3 }),
      measured('apollo', shape, 16, { requestsPerSecond: 1000, p50: 16, cpu: cpuOf(2) }),
    );
    run.measurements.push(
      measured('hive-router', shape, 1, { requestsPerSecond: 500, p50: 2 }),
      measured('hive-router', shape, 16, { requestsPerSecond: 2000, p50: 8 }),
    );
  }
  run.pageSizeProbes = [{ target: 'ours-off', shape: 'Q2', pageSizes: [10, 50], statementsPerRequest: [4, 4], subgraphCallsPerRequest: [3, 3] }];
  return run;
}

describe('evaluateGoals', () => {
  it("weighs the audit's throughput cost at c=16 against 10% and its added p50 at c=1 against the write floor plus 0.25 ms", () => {
    const run = sampleRun();
    run.options = { ...run.options, shapes: ['Q1', 'Q2'] };
    // Q1: 5% of the throughput and 0.30 ms of p50; Q2: 12% and 0.50 ms.
    const at = (requestsPerSecond: number, p50: number) => ({ requestsPerSecond, p50 });
    run.measurements.push(
      measured('ours-policy', 'Q1', 1, at(500, 2)),
      measured('ours-policy', 'Q1', 16, at(1000, 8)),
      measured('ours-full', 'Q1', 1, at(480, 2.3)),
      measured('ours-full', 'Q1', 16, at(950, 8)),
    );
    run.measurements.push(
      measured('ours-policy', 'Q2', 1, at(300, 3)),
      measured('ours-policy', 'Q2', 16, at(500, 16)),
      measured('ours-full', 'Q2', 1, at(280, 3.5)),
      measured('ours-full', 'Q2', 16, at(440, 16)),
    );
    const [cost, added] = evaluateGoals({ ...run, auditFloor: { sqliteCommitMs: 0.2 } as never }).slice(2, 4);
    expect(cost).toMatchObject({ verdict: 'missed', margin: 'worst 12.0% lost, 2.0% over the limit' });
    expect(cost!.detail).toBe('Q1 950 vs 1000 req/s (−5.0%); Q2 440 vs 500 req/s (−12.0%)');
    expect(added).toMatchObject({ verdict: 'missed', margin: 'worst +0.50 ms, 0.05 ms over the limit' });
    expect(added!.goal).toContain('floor 0.20 ms, limit 0.45 ms');
    const withRoom = evaluateGoals({ ...run, auditFloor: { sqliteCommitMs: 0.3 } as never })[3];
    expect(withRoom).toMatchObject({ verdict: 'met', margin: 'worst +0.50 ms, 0.05 ms under the limit' });
    expect(evaluateGoals(run)[3]).toMatchObject({ verdict: 'not evaluated' });
  });

  it('states each target as met, missed or not evaluated, with the margin of the worst shape', () => {
    const verdicts = evaluateGoals(sampleRun());
    expect(verdicts.map((verdict) => verdict.verdict)).toEqual(['met', 'not evaluated', 'not evaluated', 'not evaluated', 'met']);
    expect(verdicts[0]!.goal).toContain('at most 1 ms per fetch level');
    expect(verdicts[0]!.margin).toBe('worst 1.00 ms/level, 0.00 ms under the limit');
    expect(verdicts[0]!.goal).toContain('measured on ours, policy+audit off');
    expect(verdicts[4]!.detail).toContain('4.00 statements in 3.0 calls at first=10, 4.00 in 3.0 at first=50');
    expect(verdicts[4]!.margin).toContain('at most no statements per request at the larger page');
  });

  it('says by how much the latency target is missed', () => {
    const run = sampleRun();
    run.measurements = run.measurements.map((m) =>
      m.target === 'ours-off' && m.concurrency === 1 && m.shape === 'Q2' ? measured('ours-off', 'Q2', 1, { requestsPerSecond: 400, p50: 4 }) : m,
    );
    expect(evaluateGoals(run)[0]).toMatchObject({ verdict: 'missed', margin: 'worst 1.50 ms/level, 0.50 ms over the limit' });
  });

  it('finds a statement per row in the page-size probe, and takes a lookup skipped on an empty page for none', () => {
    const run = sampleRun();
    run.pageSizeProbes = [
      { target: 'ours-off', shape: 'Q2', pageSizes: [10, 50], statementsPerRequest: [4, 44], subgraphCallsPerRequest: [3, 3] },
      { target: 'ours-off', shape: 'Q4', pageSizes: [20, 100], statementsPerRequest: [10.5, 11], subgraphCallsPerRequest: [6, 6] },
    ];
    expect(evaluateGoals(run)[4]).toMatchObject({ verdict: 'missed', margin: 'grows with the page on ours, policy+audit off Q2 (+40.0)' });
    run.pageSizeProbes = run.pageSizeProbes.slice(1);
    expect(evaluateGoals(run)[4]).toMatchObject({ verdict: 'met', margin: expect.stringContaining('at most +0.50 statements per request at the larger page') });
  });
});

describe('renderChart', () => {
  it('draws the CPU of each process stacked per target and shape, then one bar per measured target and shape in each panel', () => {
    const svg = renderChart(sampleRun());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // CPU panels: 4 targets x 2 shapes, each bar 7 segments (gateway, 4 subgraphs, database, load generator).
    expect(svg.match(/<rect [^>]*><title>[^<]*: [\d.]+ ms<\/title>/g)).toHaveLength(4 * 2 * 7);
    expect(svg).toContain('@apollo/gateway (plain), gateway: 2.000 ms');
    // Throughput and latency: 4 targets x 2 shapes x 2 panels, plus 7 process and 4 target legend swatches and the background.
    expect(svg.match(/<rect /g)).toHaveLength(4 * 2 * 7 + 4 * 2 * 2 + 7 + 4 + 1);
    expect(svg).not.toContain('Hive Gateway</text>');
    expect(svg).toContain('Hive Gateway + router-runtime');
  });
});
