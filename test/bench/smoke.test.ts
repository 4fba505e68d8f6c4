import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Given arguments for the bench and its temporary directory, runs it as `npm run bench` does and returns its exit code and output. */
function runBench(args: string[], temporaryDirectory = os.tmpdir()): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/index.ts', ...args],
      { cwd: ROOT, timeout: 240_000, env: { ...process.env, TMPDIR: temporaryDirectory } },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
      },
    );
  });
}

interface SmokeResults {
  measurements: Array<{
    target: string;
    shape: string;
    status: string;
    median: {
      requests: number;
      non2xx: number;
      graphqlErrors: number;
      subgraphCallsPerRequest: number;
      cpu: { gateway: number; subgraphsTotal: number; database: number | null; loadGenerator: number; total: number };
    } | null;
  }>;
  runtimes: Record<string, { nodeEnv: string | null; sourceMaps: boolean }>;
}

describe('npm run bench -- --smoke', () => {
  // The full smoke (every target and shape) takes about a minute; the floor and our gateway with everything on exercise the same path.
  it('measures every shape against the floor and a gateway, in production mode, by CPU per request of each process, and leaves nothing behind', async () => {
    const temporaryDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-smoke-test-'));
    const { code, stderr } = await runBench(['--smoke', '--targets', 'direct,ours-full', '--shapes', 'Q1,Q3,Q5,Q7,Q8'], temporaryDirectory);
    const reportLine = /^Report: (\S+)/m.exec(stderr);
    const directory = reportLine ? path.dirname(path.join(ROOT, reportLine[1]!)) : null;
    try {
      expect({ code, tail: stderr.slice(-2000) }).toMatchObject({ code: 0 });
      expect(directory).not.toBeNull();
      // The run's temporary directory (every child's TMPDIR, the audit's journal and keys, the SQLite files) is gone;
      // what stays is tsx's compile cache of the bench's own process, which every tsx command shares (tsx-<uid>).
      expect(fs.readdirSync(temporaryDirectory).filter((entry) => !/^tsx-\d+$/.test(entry))).toEqual([]);
      const report = fs.readFileSync(path.join(directory!, 'report.md'), 'utf8');
      const run = JSON.parse(fs.readFileSync(path.join(directory!, 'results.json'), 'utf8')) as SmokeResults;
      const shapes = ['Q1', 'Q3', 'Q5', 'Q7', 'Q8'];
      expect(run.measurements.map((m) => `${m.target} ${m.shape} ${m.status}`)).toEqual([
        ...shapes.map((shape) => `direct ${shape} ok`),
        ...shapes.map((shape) => `ours-full ${shape} ok`),
      ]);
      for (const measurement of run.measurements) {
        expect(measurement.median!.requests).toBeGreaterThan(0);
        expect(measurement.median!.non2xx + measurement.median!.graphqlErrors).toBe(0);
        const cpu = measurement.median!.cpu;
        expect(cpu.gateway).toBeGreaterThan(0);
        expect(cpu.subgraphsTotal).toBeGreaterThan(0);
        // SQLite runs inside the subgraphs: there is no database process to count.
        expect(cpu.database).toBeNull();
        expect(cpu.total).toBeCloseTo(cpu.gateway + cpu.subgraphsTotal + cpu.loadGenerator, 6);
      }
      // The load generator drives every target, the floor included, so that the floor is timed as the gateways are:
      // its CPU shows for the floor too (over the whole run, since /proc counts in ticks of 10 ms).
      const loadGeneratorMs = (target: string) =>
        run.measurements.filter((m) => m.target === target).reduce((sum, m) => sum + m.median!.cpu.loadGenerator * m.median!.requests, 0);
      expect(loadGeneratorMs('direct')).toBeGreaterThan(0);
      expect(loadGeneratorMs('ours-full')).toBeGreaterThan(0);
      // Q1 and Q5 are one population call; Q3 population, then land, health and education; Q7 land then population;
      // Q8 population then land.
      expect(run.measurements.map((m) => Math.round(m.median!.subgraphCallsPerRequest))).toEqual([1, 4, 1, 2, 2, 1, 4, 1, 2, 2]);
      // Every process ran as in production: the four subgraphs, the load generator, the floor and the gateway.
      expect(Object.keys(run.runtimes)).toHaveLength(7);
      for (const runtime of Object.values(run.runtimes)) expect(runtime).toMatchObject({ nodeEnv: 'production', sourceMaps: false });
      expect(report).toContain('## Targets from the issue');
      expect(report).toContain('| ours, everything on | 1 |');
      expect(fs.readFileSync(path.join(directory!, 'chart.svg'), 'utf8')).toMatch(/^<svg /);
    } finally {
      if (directory && directory.includes(`${path.sep}tmp${path.sep}`)) fs.rmSync(directory, { recursive: true, force: true });
      fs.rmSync(temporaryDirectory, { recursive: true, force: true });
    }
  }, 240_000);

  it('with --profile, leaves a V8 CPU profile of every process it started in the run directory', async () => {
    const temporaryDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-profile-test-'));
    const { code, stderr } = await runBench(['--smoke', '--targets', 'direct', '--shapes', 'Q1', '--profile'], temporaryDirectory);
    const reportLine = /^Report: (\S+)/m.exec(stderr);
    const directory = reportLine ? path.dirname(path.join(ROOT, reportLine[1]!)) : null;
    try {
      expect({ code, tail: stderr.slice(-2000) }).toMatchObject({ code: 0 });
      const profiles = path.join(directory!, 'profiles');
      // The four subgraphs, the floor and the load generator: each its folder, each at least its main thread's profile.
      const folders = fs.readdirSync(profiles).sort();
      expect(folders).toHaveLength(6);
      for (const folder of folders) {
        const files = fs.readdirSync(path.join(profiles, folder)).filter((file) => file.endsWith('.cpuprofile'));
        // Named in the comparison, so that a failure says whose profile is missing.
        expect({ folder, profiled: files.length > 0 }).toEqual({ folder, profiled: true });
        const profile = JSON.parse(fs.readFileSync(path.join(profiles, folder, files[0]!), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
        expect(profile.nodes.length).toBeGreaterThan(0);
        expect(profile.samples.length).toBeGreaterThan(0);
      }
    } finally {
      if (directory && directory.includes(`${path.sep}tmp${path.sep}`)) fs.rmSync(directory, { recursive: true, force: true });
      fs.rmSync(temporaryDirectory, { recursive: true, force: true });
    }
  }, 240_000);

  it('refuses an unknown option with the usage and exit code 2', async () => {
    const { code, stderr } = await runBench(['--smoke', '--targets', 'nginx']);
    expect(code).toBe(2);
    expect(stderr).toContain('--targets takes a comma-separated list');
    expect(stderr).toContain('Usage: npm run bench');
  });
});
