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
import { benchEnvironment, dataSetEnvironment } from './database';
import { evaluateCpuGoals } from './cpuGoals';
import { evaluateGoals } from './goals';
import { evaluateObservabilityGoals } from './observabilityGoals';
import { USAGE, parseBenchArguments } from './options';
import { REPOSITORY_ROOT } from './processes';
import { renderReport } from './report';
import type { BenchRun } from './results';
import { runBench } from './run';

const RESULTS_DIRECTORY = path.join(REPOSITORY_ROOT, 'bench', 'results');

/** Given a run, tells what makes it a failure: a target that failed, or a shape where every request errored. */
function failures(run: BenchRun): string[] {
  const problems: string[] = [];
  for (const [target, outcome] of Object.entries(run.targets)) if (outcome?.status === 'failed') problems.push(`${target}: ${outcome.note ?? 'failed'}`);
  for (const measurement of [...run.measurements, ...(run.scale?.measurements ?? [])]) {
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
  const environment = await benchEnvironment(options, log);
  fs.mkdirSync(directory, { recursive: true });
  // An interrupted run stops its children (they exit when the bench goes) and its database server, and leaves no temporary file.
  const interrupted = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping.`);
    void environment.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let run: BenchRun;
  try {
    const dataSets = [options.citizens, ...(options.scaleCitizens === null ? [] : [options.scaleCitizens])].map((citizens) =>
      dataSetEnvironment(environment, citizens),
    );
    log(`Database: ${environment.server?.description ?? 'SQLite'}; results in ${path.relative(REPOSITORY_ROOT, directory)}`);
    run = await runBench(options, environment, dataSets, path.relative(REPOSITORY_ROOT, directory), log);
  } finally {
    await environment.cleanUp();
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const verdicts = [...evaluateCpuGoals(run), ...evaluateObservabilityGoals(run), ...evaluateGoals(run)];
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
