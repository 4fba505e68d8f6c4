import type { BenchRun, Measurement } from './results';
import type { ShapeName } from './shapes';
import { SHAPES } from './shapes';
import { TARGETS, TARGET_NAMES } from './targets';
import { BUILT_IN_SECTORS } from '../common/sectors';

/** Given a number, returns it with a fixed count of decimals, or "–" when it is not a number. */
export function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** Given a measurement, returns its error count as "errors (kinds)" (median over repetitions). */
function errorText(measurement: Measurement): string {
  const median = measurement.median!;
  const errors = median.non2xx + median.graphqlErrors + median.failed;
  return errors === 0
    ? '0'
    : `${fixed(errors, 0)} (${fixed(median.non2xx, 0)} non-2xx, ${fixed(median.graphqlErrors, 0)} GraphQL, ${fixed(median.failed, 0)} no answer)`;
}

/** Given a measurement, says how it was warmed: "12 s", "60 s, not steady", or "none". */
function warmupText(measurement: Measurement): string {
  if (!measurement.warmup) return 'none';
  return `${fixed(measurement.warmup.seconds, 0)} s${measurement.warmup.steady ? '' : ', **not steady**'}`;
}

const HEADER =
  '| target | c | gateway | population | land | health | education | database | load gen | **total** | req/s | p50 ms | p95 ms | p99 ms | errors | warm-up | other load on gateway CPU | gateway RSS MiB | subgraph calls/req | SQL/req | response KB |';
const ALIGN = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|';

/**
 * Given measurements of one shape, returns its table: a row per target and concurrency, CPU milliseconds per
 * request of each process first, then throughput, latency and the rest, and the notes under it.
 */
function shapeTable(measurements: readonly Measurement[], concurrencies: readonly number[]): string[] {
  const lines = [HEADER, ALIGN];
  const notes: string[] = [];
  for (const target of TARGET_NAMES) {
    for (const concurrency of concurrencies) {
      const measurement = measurements.find((m) => m.target === target && m.concurrency === concurrency);
      if (!measurement) continue;
      const label = TARGETS[target].label;
      if (!measurement.median) {
        lines.push(`| ${label} | ${concurrency} | ${measurement.status} |${' |'.repeat(18)}`);
        if (measurement.note && !notes.includes(`${label}: ${measurement.note}`)) notes.push(`${label}: ${measurement.note}`);
        continue;
      }
      const m = measurement.median;
      const cpu = m.cpu;
      const bytes = target === 'direct' ? '–' : fixed(m.meanResponseBytes / 1024, 1);
      lines.push(
        `| ${label}${measurement.status === 'failed' ? ' (FAILED)' : ''} | ${concurrency} | ${fixed(cpu.gateway, 3)} | ${BUILT_IN_SECTORS.map((sector) => fixed(cpu.subgraphs[sector], 3)).join(' | ')} | ${fixed(cpu.database, 3)} | ${fixed(cpu.loadGenerator, 3)} | **${fixed(cpu.total, 3)}** | ${fixed(m.requestsPerSecond, 0)} | ${fixed(m.p50, 2)} | ${fixed(m.p95, 2)} | ${fixed(m.p99, 2)} | ${errorText(measurement)} | ${warmupText(measurement)} | ${fixed(m.otherLoadOnGatewayCpus, 2)} | ${fixed(m.gatewayResidentMegabytes, 0)} | ${fixed(m.subgraphCallsPerRequest, 2)} | ${fixed(m.statementsPerRequest, 2)} | ${bytes} |`,
      );
      if (measurement.note) notes.push(`${label} c=${concurrency}: ${measurement.note.slice(0, 300)}`);
    }
  }
  lines.push('');
  if (notes.length) lines.push(...notes.map((note) => `- ${note}`), '');
  return lines;
}

/** Given the run's measurements and options, returns one section per shape with its table. */
export function shapeSections(measurements: readonly Measurement[], shapes: readonly ShapeName[], concurrencies: readonly number[]): string[] {
  const lines: string[] = [];
  for (const shape of shapes) {
    lines.push(`### ${shape}: ${SHAPES[shape].title}`, '');
    const ofShape = measurements.filter((m) => m.shape === shape);
    if (ofShape.every((m) => !m.median)) {
      // Nothing measured (Q6 without a target with policy): one line per reason instead of a table of blanks.
      const reasons = [...new Set(ofShape.map((m) => m.note ?? m.status))];
      lines.push(`Not measured: ${reasons.join('; ')} (${[...new Set(ofShape.map((m) => TARGETS[m.target].label))].join(', ')}).`, '');
      continue;
    }
    lines.push(...shapeTable(ofShape, concurrencies));
  }
  return lines;
}

/**
 * Given the run, returns the summary table the README keeps: a row per shape, a column per target, each cell
 * the gateway's CPU milliseconds per request / all processes' at the highest concurrency, and p50 at the lowest.
 */
export function summaryTable(run: Pick<BenchRun, 'measurements' | 'options'>): string[] {
  const latency = Math.min(...run.options.concurrencies);
  const throughput = Math.max(...run.options.concurrencies);
  const targets = TARGET_NAMES.filter((target) => run.measurements.some((m) => m.target === target && m.median));
  const cell = (target: (typeof TARGET_NAMES)[number], shape: ShapeName) => {
    const loaded = run.measurements.find((m) => m.target === target && m.shape === shape && m.concurrency === throughput)?.median;
    const alone = run.measurements.find((m) => m.target === target && m.shape === shape && m.concurrency === latency)?.median;
    if (!loaded && !alone) return 'n/a';
    return `${fixed(loaded?.cpu.gateway, 2)} / ${fixed(loaded?.cpu.total, 2)} / ${fixed(alone?.p50, 2)}`;
  };
  return [
    `| shape | ${targets.map((target) => TARGETS[target].label).join(' | ')} |`,
    `|---|${targets.map(() => '---:').join('|')}|`,
    ...run.options.shapes.map((shape) => `| ${shape} | ${targets.map((target) => cell(target, shape)).join(' | ')} |`),
  ];
}

/** Given the run, returns the lines saying how each process ran: NODE_ENV, source maps, Node's options. */
export function runtimeLines(run: Pick<BenchRun, 'runtimes'>): string[] {
  return Object.entries(run.runtimes).map(
    ([label, runtime]) =>
      `- ${label}: NODE_ENV=${runtime.nodeEnv ?? 'unset'}, source maps ${runtime.sourceMaps ? '**on**' : 'off'}, Node ${runtime.node} ${runtime.execArgv.map((argument) => argument.replace(/^file:\/\/.*\/bench\/children\//, 'bench/children/')).join(' ')}`,
  );
}
