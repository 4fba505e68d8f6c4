/**
 * `npm run bench`: measures the gateway targets side by side over the same subgraphs and data, and writes
 * bench/results/<timestamp>/{report.md,chart.svg,results.json,logs/} and bench/results/latest.md.
 * A smoke run (--smoke) writes under bench/results/tmp/ and leaves latest.md alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCommandLine } from '../common/commandLine';
import { ConfigError } from '../common/config';
import { renderChart } from './chart';
import { benchEnvironment } from './database';
import { evaluateGoals } from './goals';
import { USAGE, parseBenchArguments } from './options';
import { REPOSITORY_ROOT } from './processes';
import { renderReport } from './report';
import type { BenchRun } from './results';
import { runBench } from './run';

const RESULTS_DIRECTORY = path.join(REPOSITORY_ROOT, 'bench', 'results');

/** Given this run's size, returns the latest earlier full run at the other size of the 100,000 / 1,000,000 pair, if any. */
function latestRunAtOtherSize(citizens: number): BenchRun | null {
  const other = citizens === 100_000 ? 1_000_000 : citizens === 1_000_000 ? 100_000 : null;
  if (other === null || !fs.existsSync(RESULTS_DIRECTORY)) return null;
  const runs = fs
    .readdirSync(RESULTS_DIRECTORY)
    .map((entry) => path.join(RESULTS_DIRECTORY, entry, 'results.json'))
    .filter((file) => fs.existsSync(file))
    .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRun)
    .filter((run) => run.data.citizens === other && !run.options.smoke)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return runs[0] ?? null;
}

/** Given a run, tells what makes it a failure: a target that failed, or a shape where every request errored. */
function failures(run: BenchRun): string[] {
  const problems: string[] = [];
  for (const [target, outcome] of Object.entries(run.targets)) if (outcome?.status === 'failed') problems.push(`${target}: ${outcome.note ?? 'failed'}`);
  for (const measurement of run.measurements) {
    const median = measurement.median;
    if (!median) continue;
    if (measurement.repetitions.every((r) => r.requests === 0 || r.non2xx + r.graphqlErrors + r.failed >= r.requests)) {
      problems.push(`${measurement.target} ${measurement.shape} c=${measurement.concurrency}: ${measurement.note ?? 'every request errored'}`);
    }
  }
  return problems;
}

async function main(): Promise<number> {
  const options = readCommandLine('bench', USAGE, () => {
    const parsed = parseBenchArguments(process.argv.slice(2));
    return parsed.help ? 'help' : parsed;
  });
  if (typeof options === 'number') return options;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const directory = options.smoke ? path.join(RESULTS_DIRECTORY, 'tmp', `smoke-${stamp}`) : path.join(RESULTS_DIRECTORY, stamp);
  fs.mkdirSync(directory, { recursive: true });
  const environment = benchEnvironment(options.engine, options.smoke);
  log(`Data: ${environment.description}; results in ${path.relative(REPOSITORY_ROOT, directory)}`);
  let run: BenchRun;
  try {
    run = await runBench(options, environment, path.relative(REPOSITORY_ROOT, directory), log);
  } finally {
    environment.cleanUp();
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const verdicts = evaluateGoals(run, latestRunAtOtherSize(run.data.citizens));
  fs.writeFileSync(path.join(directory, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
  fs.writeFileSync(path.join(directory, 'chart.svg'), renderChart(run));
  fs.writeFileSync(path.join(directory, 'report.md'), renderReport(run, verdicts, command, 'chart.svg'));
  if (!options.smoke) {
    fs.writeFileSync(path.join(RESULTS_DIRECTORY, 'latest.md'), renderReport(run, verdicts, command, `${path.basename(directory)}/chart.svg`));
  }
  log('');
  for (const verdict of verdicts) log(`${verdict.verdict.toUpperCase().padEnd(14)} ${verdict.goal}: ${verdict.margin}`);
  log(`Report: ${path.relative(REPOSITORY_ROOT, path.join(directory, 'report.md'))}${options.smoke ? '' : ' (and bench/results/latest.md)'}`);

  const problems = failures(run);
  if (problems.length > 0) {
    log(`\nFailures:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `Bench failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
    process.exit(1);
  },
);
