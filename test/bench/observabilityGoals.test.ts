import { evaluateObservabilityGoals } from '../../bench/observabilityGoals';
import type { TargetName } from '../../bench/targets';
import { cpuOf, emptyRun, measured } from './benchRun';

/** Given the gateway's CPU ms per request of each target on Q1 and Q3, returns a run of both at c=1 and 16. */
function runWith(gatewayCpu: Partial<Record<TargetName, [q1: number, q3: number]>>) {
  const run = emptyRun(['--shapes', 'Q1,Q3', '--targets', Object.keys(gatewayCpu).join(',')]);
  for (const [target, [q1, q3]] of Object.entries(gatewayCpu) as Array<[TargetName, [number, number]]>) {
    for (const [shape, gateway] of [
      ['Q1', q1],
      ['Q3', q3],
    ] as const) {
      run.measurements.push(
        measured(target, shape, 1, { requestsPerSecond: 100, p50: 2, cpu: cpuOf(gateway * 3) }),
        measured(target, shape, 16, { requestsPerSecond: 1000, p50: 8, cpu: cpuOf(gateway) }),
      );
    }
  }
  return run;
}

describe('evaluateObservabilityGoals', () => {
  it('states the cost of metrics and the access log, and with Redis quotas, over ours with observability off, at the highest concurrency', () => {
    const verdicts = evaluateObservabilityGoals(runWith({ 'ours-bare': [1, 2], 'ours-production': [1.01, 2.02], 'ours-redis': [1.04, 2.12] }));
    expect(verdicts.map((verdict) => [verdict.verdict, verdict.margin])).toEqual([
      ['met', 'worst +1.0%, under the 2.0% limit'],
      ['missed', 'worst +6.0%, over the 5.0% limit'],
    ]);
    expect(verdicts[0]!.goal).toBe('ours, as production runs it adds under 2.0% gateway CPU per request to ours, observability off at c=16');
    expect(verdicts[1]!.detail).toBe('Q1 1.040 vs 1.000 ms (+4.0%); Q3 2.120 vs 2.000 ms (+6.0%)');
  });

  it('is not evaluated without the targets, and says nothing when observability off was not asked for', () => {
    expect(evaluateObservabilityGoals(runWith({ 'ours-bare': [1, 2] })).map((verdict) => verdict.verdict)).toEqual(['not evaluated', 'not evaluated']);
    expect(evaluateObservabilityGoals(runWith({ 'ours-full': [1, 2] }))).toEqual([]);
  });
});
