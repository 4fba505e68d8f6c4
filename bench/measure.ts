import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS } from '../common/sectors';
import type { BenchCallers } from './agencies';
import { cpuPerRequest, medianCpu, readCpu } from './cpu';
import type { MeasuredProcesses } from './cpu';
import type { SubgraphCounters } from './ipc';
import type { LoadJob, LoadResult } from './load';
import type { BenchChild } from './processes';
import { cpuSeconds, parseCpuList, watchCpus, watchUsage } from './processes';
import type { Measurement, MedianResult, RepetitionResult, Warmup } from './results';
import type { ShapeName } from './shapes';
import { SHAPES } from './shapes';
import { median } from './statistics';
import { WARMUP_WINDOW_SECONDS, isSteady, warmupDone } from './steadiness';
import type { TargetName } from './targets';
import { TARGETS } from './targets';
import type { HeaderSet } from './targets/started';

/** What every measurement of one data set shares: the subgraphs, the load generator, the database server's pid. */
export interface MeasureContext {
  subgraphs: Record<BuiltInSector, BenchChild>;
  load: BenchChild;
  databasePid: number | null;
  /** The gateway's CPUs when pinned: how busy they were is read beside the gateway's own use. */
  gatewayCpus: string | null;
  callers: BenchCallers;
  log(line: string): void;
}

/** A target started for a data set: its process, where its requests go, and where each shape's sequence stands. */
export interface RunningTarget {
  name: TargetName;
  child: BenchChild;
  /** Given a shape, the URL its requests go to (a gateway's /graphql; the floor's /<shape>). */
  urlFor(shape: ShapeName): string;
  /** The number of the next request of each shape: every window goes on where the one before stopped. */
  sequences: Map<ShapeName, number>;
  failure: string | null;
}

/** Given the subgraph children, returns their summed counters. */
export async function readCounters(subgraphs: Record<BuiltInSector, BenchChild>): Promise<SubgraphCounters> {
  const readings = await Promise.all(BUILT_IN_SECTORS.map((sector) => subgraphs[sector].call<SubgraphCounters>('counters')));
  return readings.reduce((sum, reading) => ({ requests: sum.requests + reading.requests, statements: sum.statements + reading.statements }), {
    requests: 0,
    statements: 0,
  });
}

/** How often, and for how long at most, the end of a window waits for the work still under way in the subgraphs. */
const SETTLE_POLL_MS = 50;
const SETTLE_MAX_MS = 2000;

/**
 * Given the subgraph children, waits until the calls they received stop growing: the load generator stops at
 * its deadline with requests in flight, which the target still answers (to no one). Their work is counted, and
 * they are counted among the requests, so that each window's CPU is divided by all the requests that made it.
 */
async function settle(subgraphs: Record<BuiltInSector, BenchChild>): Promise<SubgraphCounters> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  let last = await readCounters(subgraphs);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const now = await readCounters(subgraphs);
    if (now.requests === last.requests || Date.now() > deadline) return now;
    last = now;
  }
}

/** Given a target and a shape, returns whom it is called as: the bench's agencies for a target with policy, no one otherwise. */
export function headerSetsFor(target: TargetName, shape: ShapeName, callers: BenchCallers): HeaderSet[] {
  if (!TARGETS[target].hasPolicy) return [];
  switch (SHAPES[shape].caller) {
    case 'rotation':
      return callers.rotation;
    case 'land office':
      return [callers.landOffice];
    case 'ward office':
      return [callers.wardOffice];
    default:
      return callers.rotation.slice(0, 1);
  }
}

/**
 * Given the context, a target, a shape, a concurrency and a duration, runs one window of load and measures it:
 * the load generator's answers and timings, each process's CPU by pid, the subgraphs' counters. The target's
 * sequence of that shape moves on by the requests made.
 */
export async function measureWindow(
  context: MeasureContext,
  target: RunningTarget,
  shape: ShapeName,
  concurrency: number,
  durationSeconds: number,
  randomSeed: number,
): Promise<RepetitionResult> {
  const processes: MeasuredProcesses = {
    gateway: target.child.pid,
    subgraphs: Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [sector, context.subgraphs[sector].pid])) as Record<BuiltInSector, number>,
    database: context.databasePid,
    loadGenerator: context.load.pid,
  };
  const job: LoadJob = {
    shape,
    concurrency,
    durationSeconds,
    url: target.urlFor(shape),
    headerSets: headerSetsFor(target.name, shape, context.callers),
    randomSeed,
    firstSequence: target.sequences.get(shape) ?? 0,
  };
  const before = await readCounters(context.subgraphs);
  const cpuBefore = readCpu(processes, cpuSeconds);
  const memory = watchUsage([processes.gateway]);
  const cores = {
    subgraphs: watchUsage(BUILT_IN_SECTORS.map((sector) => processes.subgraphs[sector])),
    load: watchUsage([processes.loadGenerator]),
    database: processes.database === null ? null : watchUsage([processes.database]),
    gatewayCpus: context.gatewayCpus === null ? null : watchCpus(parseCpuList(context.gatewayCpus)),
  };
  const result = await context.load.call<LoadResult>('run', job);
  const gatewayUsage = memory.finish();
  const gatewayCpusBusy = cores.gatewayCpus?.finish() ?? null;
  const after = await settle(context.subgraphs);
  const cpuAfter = readCpu(processes, cpuSeconds);
  target.sequences.set(shape, job.firstSequence + result.drawn);
  // Per request sent: the requests in flight at the deadline did their work too (see settle).
  const perRequest = (count: number) => (result.drawn > 0 ? count / result.drawn : Number.NaN);
  return {
    requests: result.requests,
    seconds: result.seconds,
    requestsPerSecond: result.seconds > 0 ? result.requests / result.seconds : 0,
    p50: result.latency.p50,
    p95: result.latency.p95,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    graphqlErrors: result.graphqlErrors,
    failed: result.failed,
    meanResponseBytes: result.meanResponseBytes,
    cpu: cpuPerRequest(cpuBefore, cpuAfter, result.drawn),
    gatewayCores: gatewayUsage.cores,
    gatewayResidentMegabytes: gatewayUsage.peakResidentMegabytes,
    otherLoadOnGatewayCpus: gatewayCpusBusy !== null ? Math.max(0, gatewayCpusBusy - gatewayUsage.cores) : null,
    subgraphCores: cores.subgraphs.finish().cores,
    loadGeneratorCores: cores.load.finish().cores,
    databaseCores: cores.database?.finish().cores ?? null,
    subgraphCallsPerRequest: perRequest(after.requests - before.requests),
    statementsPerRequest: perRequest(after.statements - before.statements),
    firstError: result.firstError,
  };
}

/**
 * Given the context, a target, a shape, a concurrency and the warm-up's bounds, warms the target in windows of
 * WARMUP_WINDOW_SECONDS until its CPU per request (gateway and subgraphs) is steady, and for at least the least
 * bound; returns how long it took and whether it settled before the most.
 */
export async function warmUp(
  context: MeasureContext,
  target: RunningTarget,
  shape: ShapeName,
  concurrency: number,
  bounds: { least: number; most: number },
  randomSeed: number,
): Promise<Warmup> {
  const windows: number[] = [];
  let seconds = 0;
  while (!warmupDone(bounds.least, bounds.most, seconds, windows) && !target.child.exit) {
    const length = Math.min(WARMUP_WINDOW_SECONDS, bounds.most - seconds);
    const window = await measureWindow(context, target, shape, concurrency, length, randomSeed);
    windows.push(window.cpu.gateway + window.cpu.subgraphsTotal);
    seconds += length;
  }
  return { seconds, steady: isSteady(windows), windows };
}

/** Given repetitions, returns the median of each number over them. */
export function medianOf(repetitions: readonly RepetitionResult[]): MedianResult {
  const of = (pick: (repetition: RepetitionResult) => number) => median(repetitions.map(pick));
  const ofNullable = (pick: (repetition: RepetitionResult) => number | null) => {
    const values = repetitions.map(pick).filter((value): value is number => value !== null);
    return values.length ? median(values) : null;
  };
  return {
    requests: of((r) => r.requests),
    seconds: of((r) => r.seconds),
    requestsPerSecond: of((r) => r.requestsPerSecond),
    p50: of((r) => r.p50),
    p95: of((r) => r.p95),
    p99: of((r) => r.p99),
    non2xx: of((r) => r.non2xx),
    graphqlErrors: of((r) => r.graphqlErrors),
    failed: of((r) => r.failed),
    meanResponseBytes: of((r) => r.meanResponseBytes),
    cpu: medianCpu(
      repetitions.map((r) => r.cpu),
      median,
    ),
    gatewayCores: ofNullable((r) => r.gatewayCores),
    gatewayResidentMegabytes: ofNullable((r) => r.gatewayResidentMegabytes),
    otherLoadOnGatewayCpus: ofNullable((r) => r.otherLoadOnGatewayCpus),
    subgraphCores: of((r) => r.subgraphCores),
    loadGeneratorCores: of((r) => r.loadGeneratorCores),
    databaseCores: ofNullable((r) => r.databaseCores),
    subgraphCallsPerRequest: of((r) => r.subgraphCallsPerRequest),
    statementsPerRequest: of((r) => r.statementsPerRequest),
  };
}

/** Options of a round of turns. */
export interface TurnOptions {
  shapes: readonly ShapeName[];
  concurrencies: readonly number[];
  durationSeconds: number;
  repetitions: number;
  warmup: { least: number; most: number };
  randomSeed: number;
}

/** Given a repetition, tells whether every request of it failed. */
const allFailed = (r: RepetitionResult) => r.requests === 0 || r.non2xx + r.graphqlErrors + r.failed >= r.requests;

/**
 * Given the context, the started targets and the options, measures every shape at every concurrency against
 * each target. Each target is warmed first (until steady); then the targets take turns: each repetition
 * measures every target once, in an order that rotates from one repetition to the next, so that a machine that
 * slows down or speeds up during the run weighs on every target alike. Returns the measurements.
 */
export async function measureInTurns(context: MeasureContext, running: readonly RunningTarget[], options: TurnOptions): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const shape of options.shapes) {
    for (const concurrency of options.concurrencies) {
      const cells: Array<{ target: RunningTarget; warmup: Warmup | null; repetitions: RepetitionResult[] }> = [];
      for (const target of running) {
        const skip = (status: 'n/a' | 'failed', note: string | null) =>
          measurements.push({ target: target.name, shape, concurrency, warmup: null, status, note, repetitions: [], median: null });
        if (target.failure !== null) skip('failed', target.failure);
        else if (SHAPES[shape].needsPolicy && !TARGETS[target.name].hasPolicy) skip('n/a', `${shape} needs a target with policy`);
        else cells.push({ target, warmup: null, repetitions: [] });
      }
      for (const cell of cells) {
        if (options.warmup.most > 0) cell.warmup = await warmUp(context, cell.target, shape, concurrency, options.warmup, options.randomSeed);
      }
      for (let repetition = 0; repetition < options.repetitions; repetition += 1) {
        const first = cells.length > 0 ? repetition % cells.length : 0;
        for (const cell of [...cells.slice(first), ...cells.slice(0, first)]) {
          if (cell.target.child.exit) continue;
          cell.repetitions.push(await measureWindow(context, cell.target, shape, concurrency, options.durationSeconds, options.randomSeed));
        }
      }
      for (const { target, warmup, repetitions } of cells) {
        const info = TARGETS[target.name];
        const exited = target.child.exit;
        const result = repetitions.length > 0 ? medianOf(repetitions) : null;
        const firstError = repetitions.find((r) => r.firstError)?.firstError ?? null;
        let note = firstError;
        if (exited)
          note = `the ${target.name === 'direct' ? "direct floor's server" : 'gateway'} exited during the run (code ${exited.code}, signal ${exited.signal})`;
        else if (repetitions.every(allFailed)) note = `every request errored: ${firstError ?? 'no answer'}`;
        measurements.push({ target: target.name, shape, concurrency, warmup, status: exited ? 'failed' : 'ok', note, repetitions, median: result });
        if (exited) target.failure = note;
        const warmed = warmup ? `  warm ${warmup.seconds.toFixed(0)} s${warmup.steady ? '' : ' NOT STEADY'}` : '';
        context.log(
          result
            ? `  ${info.label.padEnd(36)} ${shape} c=${String(concurrency).padEnd(3)} CPU/req ${result.cpu.gateway.toFixed(2)} gateway + ${result.cpu.subgraphsTotal.toFixed(2)} subgraphs + ${result.cpu.database === null ? '–' : result.cpu.database.toFixed(2)} db = ${result.cpu.total.toFixed(2)} ms  ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  errors ${result.non2xx + result.graphqlErrors + result.failed}${warmed}${note ? `  (${note.slice(0, 120)})` : ''}`
            : `  ${info.label.padEnd(36)} ${shape} c=${String(concurrency).padEnd(3)} not measured: ${note ?? 'no repetition ran'}`,
        );
      }
      for (const sector of BUILT_IN_SECTORS) {
        const exit = context.subgraphs[sector].exit;
        if (exit) throw new Error(`the ${sector} subgraph exited (code ${exit.code}, signal ${exit.signal})`);
      }
    }
  }
  return measurements;
}
