import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureObservabilityCost, observabilityCostSection } from '../../bench/observabilityCost';
import type { BenchRun } from '../../bench/results';
import { emptyRun, measured } from './benchRun';

describe('measureObservabilityCost', () => {
  it('times the access line through the real logger into the file, and the metrics, in microseconds per request', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-observability-cost-'));
    try {
      const file = path.join(directory, 'access.log');
      const cost = measureObservabilityCost(file, 50);
      expect(cost.accessLineMicros).toBeGreaterThan(0);
      expect(cost.requestMetricsMicros).toBeGreaterThanOrEqual(0);
      expect(cost.subgraphFetchMetricsMicros).toBeGreaterThan(0);
      const lines = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      // Warm-up and measured samples of the run with the line on: one line each, and none from the runs with it off.
      expect(lines).toHaveLength(100);
      expect(lines[0]).toMatchObject({ msg: 'request', agency: 'H56.20', operationName: 'Owner', status: 200 });
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it("sets the cost against the gateway's CPU per request with observability off, per shape, in the report", () => {
    const run = {
      ...emptyRun(['--shapes', 'Q1', '--targets', 'ours-bare']),
      observabilityCost: { accessLineMicros: 7, requestMetricsMicros: 1, subgraphFetchMetricsMicros: 0.5 },
    };
    // measured(): 1 gateway core at 1000 requests a second is 1 ms per request; 2 subgraph calls per request.
    run.measurements.push(measured('ours-bare', 'Q1', 16, { requestsPerSecond: 1000, p50: 8 }));
    const section = observabilityCostSection(run as unknown as BenchRun).join('\n');
    expect(section).toContain('| Q1 | 2.0 | 9.0 µs | 1.000 ms | 0.90% |');
    expect(observabilityCostSection({ ...run, observabilityCost: undefined } as unknown as BenchRun)).toEqual([]);
  });
});
