import { evaluateCpuGoals } from '../../bench/cpuGoals';
import { renderReport } from '../../bench/report';
import type { BenchRun } from '../../bench/results';
import type { ShapeName } from '../../bench/shapes';
import type { TargetName } from '../../bench/targets';
import { cpuOf, emptyRun, measured } from './benchRun';

const SHAPES: ShapeName[] = ['Q1', 'Q3', 'Q7'];

/** Given the gateway's CPU ms per request of each target (and the subgraphs' behind ours), returns a run of Q1, Q3 and Q7 at c=1 and 16. */
function runWith(gatewayCpu: Partial<Record<TargetName, number>>, oursSubgraphs = 1.5) {
  const run = emptyRun(['--shapes', SHAPES.join(','), '--targets', Object.keys(gatewayCpu).join(',')]);
  for (const [target, gateway] of Object.entries(gatewayCpu) as Array<[TargetName, number]>) {
    for (const shape of SHAPES) {
      const cpu = cpuOf(gateway, target === 'ours-full' ? oursSubgraphs : 3);
      run.measurements.push(
        measured(target, shape, 1, { requestsPerSecond: 100, p50: 2, cpu }),
        measured(target, shape, 16, { requestsPerSecond: 1000, p50: 8, cpu }),
      );
    }
  }
  return run;
}

describe('evaluateCpuGoals', () => {
  it('states each target in gateway CPU per request, with by how much it is met', () => {
    const verdicts = evaluateCpuGoals(runWith({ apollo: 2, 'apollo-keepalive': 1.25, 'ours-off': 0.9, 'ours-full': 1, 'hive-router': 2 }));
    expect(verdicts.map((verdict) => [verdict.verdict, verdict.margin])).toEqual([
      ['met', 'worst 0.80x, 0.0% under the 0.8x bar'],
      ['met', 'worst 0.50x, 0.0% under the 0.5x bar'],
      ['met', 'worst 0.50x, 16.7% under the 0.6x bar'],
      ['met', 'worst +11.1%, 13.9% under the limit'],
      ['met', '1.50 ms, 0.05 ms under the bar (51.6% below the baseline)'],
      ['not evaluated', 'needs a second data set in the same run (--scale-citizens 1000000)'],
    ]);
    expect(verdicts[0]!.goal).toBe(
      'gateway CPU per request at c=16, ours, everything on: at most 0.8x @apollo/gateway + keep-alive fetcher (Q1, Q2, Q3, Q4, Q7, Q8)',
    );
    expect(verdicts[0]!.detail).toBe('Q1 1.00 vs 1.25 ms = 0.80x; Q3 1.00 vs 1.25 ms = 0.80x; Q7 1.00 vs 1.25 ms = 0.80x');
    expect(verdicts[3]!.detail).toContain('Q1 1.00 vs 0.90 ms (+11.1%; all processes −30.4%)');
    expect(verdicts[4]!.detail).toBe('Q3 1.50 ms (population 0.38, land 0.38, health 0.38, education 0.38)');
  });

  it('says by how much each is missed, and which peers were not measured', () => {
    const verdicts = evaluateCpuGoals(runWith({ 'apollo-keepalive': 1, 'ours-off': 0.5, 'ours-full': 1 }, 2));
    expect(verdicts[0]).toMatchObject({ verdict: 'missed', margin: 'worst 1.00x, 25.0% over the 0.8x bar' });
    expect(verdicts[1]).toMatchObject({ verdict: 'not evaluated', margin: 'needs ours, everything on and @apollo/gateway (plain) at c=16' });
    expect(verdicts[3]).toMatchObject({ verdict: 'missed', margin: 'worst +100.0%, 75.0% over the limit' });
    expect(verdicts[4]).toMatchObject({ verdict: 'missed', margin: '2.00 ms, 0.45 ms over the bar (35.5% below the baseline)' });
  });

  it('compares the larger data set with the smaller one of the same run, on CPU per request and p50', () => {
    const run = runWith({ 'ours-full': 1 });
    const large = runWith({ 'ours-full': 1.3 }).measurements.map((m) =>
      m.concurrency === 1 ? measured('ours-full', m.shape, 1, { requestsPerSecond: 100, p50: 2.1 }) : m,
    );
    const withScale = { ...run, scale: { citizens: 1_000_000, description: '', seededNow: false, measurements: large } };
    const verdict = evaluateCpuGoals(withScale)[5]!;
    expect(verdict.goal).toContain('1,000,000 vs 100,000 citizens');
    // CPU: 1.3 + 1.5 + 0.7 = 3.5 against 3.2 ms (+9.4%); p50 2.1 against 2 ms (+5%).
    expect(verdict).toMatchObject({ verdict: 'met', margin: 'worst +9.4%, 0.6% under the limit' });
    expect(verdict.detail).toContain('Q1 CPU 3.50 vs 3.20 ms (+9.4%), p50 2.10 vs 2.00 ms (+5.0%)');
  });
});

/** Given the run's measurements, returns a whole run as the bench writes it. */
function completeRun(run: ReturnType<typeof runWith>): BenchRun {
  return {
    ...run,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T11:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 8, kernel: 'Linux', node: 'v20', packages: {}, database: 'MariaDB', loadAverageAtStart: 0.1 },
    loadAverageAtEnd: 0.1,
    placement: { pinned: true, gateway: 'CPU 0', subgraphs: 'CPU 1', loadGenerator: 'CPU 1', orchestrator: 'CPU 1', database: 'not pinned' },
    databaseServer: "the bench's own server (pid 42)",
    runtimes: { 'gateway ours-full 100,000': { nodeEnv: 'production', sourceMaps: false, node: 'v20', execArgv: ['--import', 'tsx'] } },
    targets: { apollo: { status: 'ok', note: null }, 'ours-full': { status: 'ok', note: null } },
    auditFloor: null,
    directory: 'bench/results/x',
  };
}

describe('renderReport', () => {
  it('states every verdict, the CPU per request of each process per target, and how each process ran', () => {
    const full = completeRun(runWith({ apollo: 2, 'ours-full': 1 }));
    const verdicts = evaluateCpuGoals(full);
    const report = renderReport(full, verdicts, 'npm run bench', 'chart.svg');
    expect(report).toContain(
      '| gateway CPU per request at c=16, ours, everything on: at most 0.5x @apollo/gateway (plain) (Q1, Q2, Q3, Q4, Q7, Q8) | **MET** | worst 0.50x, 0.0% under the 0.5x bar |',
    );
    expect(report).toContain('| ours, everything on | 16 | 1.000 | 0.375 | 0.375 | 0.375 | 0.375 | 0.500 | 0.200 | **3.200** | 1000 |');
    expect(report).toContain('| Q1 | 2.00 / 5.70 / 2.00 | 1.00 / 3.20 / 2.00 |');
    expect(report).toContain('- gateway ours-full 100,000: NODE_ENV=production, source maps off');
    expect(report).toContain("Database server: the bench's own server (pid 42)");
  });

  it("says of each shape whether the row scope's walk of every response stays under 2% of the gateway's CPU per request", () => {
    // Our full gateway: 1 ms of CPU per request on Q1 and Q3 at c=16; Q4 not measured.
    const full: BenchRun = {
      ...completeRun(runWith({ 'ours-full': 1 })),
      scopeCost: [
        { shape: 'Q1', decisionMicros: 1, probeRewriteMicros: 20, walkCompileMicros: 5, responseWalkMicros: 19.9 },
        { shape: 'Q3', decisionMicros: 1, probeRewriteMicros: 20, responseWalkMicros: 20 },
        { shape: 'Q4', decisionMicros: 1, probeRewriteMicros: 20, walkCompileMicros: 5, responseWalkMicros: 1 },
      ],
    };
    const report = renderReport(full, evaluateCpuGoals(full), 'npm run bench', 'chart.svg');
    expect(report).toContain('| Q1 | 1.0 µs | 20.0 µs | 5.0 µs | 19.9 µs | 1.00 ms | 1.99%, 4.59% | yes, under 2% |');
    expect(report).toContain('| Q3 | 1.0 µs | 20.0 µs | – | 20.0 µs | 1.00 ms | 2.00%, 4.10% | **no**, 2% or more |');
    expect(report).toContain('| Q4 | 1.0 µs | 20.0 µs | 5.0 µs | 1.0 µs | – | – | – (no gateway CPU measured) |');
  });
});
