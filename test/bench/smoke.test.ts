import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Given arguments for the bench, runs it as `npm run bench` does and returns its exit code and output. */
function runBench(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...args], { cwd: ROOT, timeout: 120_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('npm run bench -- --smoke', () => {
  // The full smoke (every target and shape) takes about 45 s; two targets and two shapes exercise the same path.
  it('seeds, starts the subgraphs and a gateway as pinned processes, measures, and writes a report with every target and shape', async () => {
    const { code, stderr } = await runBench(['--smoke', '--targets', 'direct,ours-off', '--shapes', 'Q1,Q3']);
    const reportLine = /^Report: (\S+)/m.exec(stderr);
    const directory = reportLine ? path.dirname(path.join(ROOT, reportLine[1]!)) : null;
    try {
      expect({ code, tail: stderr.slice(-2000) }).toMatchObject({ code: 0 });
      expect(directory).not.toBeNull();
      const report = fs.readFileSync(path.join(directory!, 'report.md'), 'utf8');
      const run = JSON.parse(fs.readFileSync(path.join(directory!, 'results.json'), 'utf8')) as {
        measurements: Array<{ target: string; shape: string; status: string; median: { requests: number; non2xx: number; graphqlErrors: number; subgraphCallsPerRequest: number } | null }>;
      };
      expect(run.measurements.map((m) => `${m.target} ${m.shape} ${m.status}`)).toEqual(['direct Q1 ok', 'direct Q3 ok', 'ours-off Q1 ok', 'ours-off Q3 ok']);
      for (const measurement of run.measurements) {
        expect(measurement.median!.requests).toBeGreaterThan(0);
        expect(measurement.median!.non2xx + measurement.median!.graphqlErrors).toBe(0);
      }
      // Q1 is one population call; Q3 is population, then land, health and education.
      expect(run.measurements.map((m) => Math.round(m.median!.subgraphCallsPerRequest))).toEqual([1, 4, 1, 4]);
      expect(report).toContain('## Targets from the issue');
      expect(report).toContain('| ours, policy+audit off | 1 |');
      expect(fs.readFileSync(path.join(directory!, 'chart.svg'), 'utf8')).toMatch(/^<svg /);
    } finally {
      if (directory && directory.includes(`${path.sep}tmp${path.sep}`)) fs.rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses an unknown option with the usage and exit code 2', async () => {
    const { code, stderr } = await runBench(['--smoke', '--targets', 'nginx']);
    expect(code).toBe(2);
    expect(stderr).toContain('--targets takes a comma-separated list');
    expect(stderr).toContain('Usage: npm run bench');
  });
});
