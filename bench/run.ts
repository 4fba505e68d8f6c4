import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Sector } from '../common/config';
import { SECTORS, bySector } from '../common/config';
import { isMysql } from '../db/connection';
import { Random } from '../db/seed/random';
import { measureAuditFloor } from './auditFloor';
import { ensureSeeded } from './database';
import type { BenchEnvironment } from './database';
import type { GraphQLBody } from './directClient';
import { subgraphCaller } from './directClient';
import { readFixtures } from './fixtures';
import type { SubgraphCounters } from './ipc';
import type { LoadJob, LoadResult } from './load';
import { machineFacts } from './machine';
import type { BenchOptions } from './options';
import { BenchChild, ChildUnavailable, hasTaskset, parseCpuList, pidsOf, pinSelf, watchCpus, watchUsage } from './processes';
import type { AuditFloor, BenchRun, Measurement, MedianResult, PageSizeProbe, RepetitionResult, TargetOutcome } from './results';
import type { Fixtures, ShapeName } from './shapes';
import { Q2_PAGE_SIZE, Q4_PAGE_SIZE, SHAPES } from './shapes';
import { median } from './statistics';
import type { TargetName } from './targets';
import { TARGETS } from './targets';
import type { HeaderSet } from './targets/started';

/** The database server's process name, observed (never pinned or stopped) to show its share of the CPU. */
const DATABASE_PROGRAMS = ['mariadbd', 'mysqld'];

/** Requests per page size in the page-size probe: a few suffice, the count per request is exact. */
const PROBE_REQUESTS = 4;

interface RunContext {
  options: BenchOptions;
  environment: BenchEnvironment;
  pinned: boolean;
  logDirectory: string;
  subgraphs: Record<Sector, BenchChild>;
  subgraphUrls: Record<Sector, string>;
  load: BenchChild;
  fixtures: Fixtures;
  agencyHeaderSets: HeaderSet[];
  log(line: string): void;
}

/** Given the subgraph children, returns their summed counters. */
async function readCounters(subgraphs: Record<Sector, BenchChild>): Promise<SubgraphCounters> {
  const readings = await Promise.all(SECTORS.map((sector) => subgraphs[sector].call<SubgraphCounters>('counters')));
  return readings.reduce((sum, reading) => ({ requests: sum.requests + reading.requests, statements: sum.statements + reading.statements }), { requests: 0, statements: 0 });
}

/** Given a child script and its arguments, starts it pinned as the options say, logging to the run's log directory. */
function startChild(context: Pick<RunContext, 'environment' | 'pinned' | 'logDirectory'>, label: string, script: string, args: string[], cpus: string, env: NodeJS.ProcessEnv = context.environment.env): BenchChild {
  return BenchChild.start({
    label,
    script,
    args,
    env,
    cpus: context.pinned ? cpus : null,
    logFile: path.join(context.logDirectory, `${label.replace(/[^a-z0-9-]+/gi, '-')}.log`),
  });
}

/** How one target is driven. */
interface TargetSetup {
  /** The process that sends the load and times it. */
  load: BenchChild;
  target: LoadJob['target'];
  /** The process on the gateway's CPUs: the gateway, or for the direct floor the client that stands in its place. */
  inGatewayPlace: BenchChild;
}

/** Given the context, how the target is driven and a job's particulars, runs one job and measures it. */
async function measureOnce(context: RunContext, setup: TargetSetup, job: Omit<LoadJob, 'target'>): Promise<RepetitionResult> {
  const databasePids = DATABASE_PROGRAMS.flatMap(pidsOf);
  const before = await readCounters(context.subgraphs);
  const usage = {
    gateway: watchUsage([setup.inGatewayPlace.pid]),
    subgraphs: watchUsage(SECTORS.map((sector) => context.subgraphs[sector].pid)),
    load: watchUsage([setup.load.pid]),
    database: databasePids.length ? watchUsage(databasePids) : null,
    gatewayCpus: context.pinned ? watchCpus(parseCpuList(context.options.cpus.gateway)) : null,
  };
  const result = await setup.load.call<LoadResult>('run', { ...job, target: setup.target });
  const gatewayUsage = usage.gateway.finish();
  const subgraphUsage = usage.subgraphs.finish();
  const loadUsage = usage.load.finish();
  const databaseUsage = usage.database?.finish() ?? null;
  const gatewayCpusBusy = usage.gatewayCpus?.finish() ?? null;
  const after = await readCounters(context.subgraphs);
  const perRequest = (count: number) => (result.requests > 0 ? count / result.requests : Number.NaN);
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
    gatewayCores: gatewayUsage.cores,
    gatewayResidentMegabytes: gatewayUsage.peakResidentMegabytes,
    otherLoadOnGatewayCpus: gatewayCpusBusy !== null ? Math.max(0, gatewayCpusBusy - gatewayUsage.cores) : null,
    subgraphCores: subgraphUsage.cores,
    loadGeneratorCores: loadUsage.cores,
    databaseCores: databaseUsage?.cores ?? null,
    subgraphCallsPerRequest: perRequest(after.requests - before.requests),
    statementsPerRequest: perRequest(after.statements - before.statements),
    firstError: result.firstError,
  };
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

/** Given a gateway URL, a body and headers, posts it; throws unless the answer is 2xx without GraphQL errors. */
async function postToGateway(url: string, body: GraphQLBody, headers: HeaderSet): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as { errors?: Array<{ message: string }> };
  if (!response.ok || parsed.errors?.length) throw new Error(`HTTP ${response.status}: ${parsed.errors?.[0]?.message ?? 'no message'}`);
}

/**
 * Given a started gateway, sends a few Q2 and Q4 requests at a small and at the full page size, one at a
 * time, and returns the SQL statements and subgraph calls per request counted on the subgraphs: a constant
 * count whatever the page size is what the DataLoaders promise.
 */
async function probePageSizes(context: RunContext, target: TargetName, url: string, headers: HeaderSet): Promise<PageSizeProbe[]> {
  const probes: PageSizeProbe[] = [];
  const plan: Array<[ShapeName, [number, number]]> = [
    ['Q2', [10, Q2_PAGE_SIZE]],
    ['Q4', [20, Q4_PAGE_SIZE]],
  ];
  for (const [shape, pageSizes] of plan) {
    if (!context.options.shapes.includes(shape)) continue;
    const statements: number[] = [];
    const calls: number[] = [];
    for (const pageSize of pageSizes) {
      const random = new Random(context.options.randomSeed, 0x9a9e);
      const before = await readCounters(context.subgraphs);
      for (let sequence = 0; sequence < PROBE_REQUESTS; sequence += 1) {
        await postToGateway(url, SHAPES[shape].body(context.fixtures, { sequence, random }, pageSize), headers);
      }
      const after = await readCounters(context.subgraphs);
      statements.push((after.statements - before.statements) / PROBE_REQUESTS);
      calls.push((after.requests - before.requests) / PROBE_REQUESTS);
    }
    probes.push({ target, shape, pageSizes, statementsPerRequest: [statements[0]!, statements[1]!], subgraphCallsPerRequest: [calls[0]!, calls[1]!] });
  }
  return probes;
}

/** A target started for the run: its process, how it is driven, and how it has fared so far. */
interface StartedTarget {
  name: TargetName;
  child: BenchChild;
  setup: TargetSetup;
  headerSets: HeaderSet[];
  outcome: TargetOutcome;
  probes: PageSizeProbe[];
}

/** Given a target, a status and why, returns the measurements of every shape and concurrency that it did not get. */
function notMeasured(options: BenchOptions, target: TargetName, status: 'n/a' | 'failed', note: string): Measurement[] {
  return options.shapes.flatMap((shape) => options.concurrencies.map((concurrency) => ({ target, shape, concurrency, status, note, repetitions: [], median: null })));
}

/**
 * Given the context and a target, starts it (pinned to the gateway's CPUs) and probes its page sizes; returns it,
 * or, when it cannot run, its outcome.
 */
async function startTarget(context: RunContext, target: TargetName): Promise<StartedTarget | { outcome: TargetOutcome }> {
  const { options, log } = context;
  const info = TARGETS[target];
  // The direct floor's client does the gateway's work, so it runs where a gateway would: on the gateway's CPUs.
  const started = Date.now();
  const child =
    target === 'direct'
      ? startChild(context, 'direct client', 'load.ts', [], options.cpus.gateway)
      : startChild(context, `gateway ${target}`, 'gateway.ts', [target], options.cpus.gateway, {
          ...context.environment.env,
          ...Object.fromEntries(SECTORS.map((sector) => [`${sector.toUpperCase()}_URL`, context.subgraphUrls[sector]])),
        });
  let setup: TargetSetup;
  let gatewayUrl: string | null = null;
  let headerSets = context.agencyHeaderSets;
  try {
    const ready = await child.ready;
    if (target === 'direct') {
      await child.call('fixtures', context.fixtures);
      setup = { load: child, target: { kind: 'direct', subgraphUrls: context.subgraphUrls }, inGatewayPlace: child };
    } else {
      gatewayUrl = ready.url;
      setup = { load: context.load, target: { kind: 'gateway', url: ready.url }, inGatewayPlace: child };
      if (ready.headerSets?.length) headerSets = ready.headerSets;
    }
    log(`  started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await child.stop();
    const unavailable = error instanceof ChildUnavailable;
    const note = (error as Error).message;
    log(`  ${info.label}: ${unavailable ? note : `FAILED to start: ${note}`}`);
    return { outcome: { status: unavailable ? 'n/a' : 'failed', note } };
  }
  let probes: PageSizeProbe[] = [];
  if (gatewayUrl) {
    try {
      probes = await probePageSizes(context, target, gatewayUrl, headerSets[0] ?? {});
    } catch (error) {
      log(`  page-size probe on ${info.label} failed: ${(error as Error).message}`);
    }
  }
  return { name: target, child, setup, headerSets, outcome: { status: 'ok', note: null }, probes };
}

/** One shape at one concurrency against one target: the job and the repetitions measured so far. */
interface Cell {
  target: StartedTarget;
  job: Omit<LoadJob, 'target' | 'durationSeconds'>;
  repetitions: RepetitionResult[];
}

/**
 * Given the context and the started targets, measures every shape at every concurrency against each of them.
 * The targets take turns: each repetition measures every target once, in an order that rotates from one
 * repetition to the next, so that a machine that slows down or speeds up during the run weighs on every target
 * alike instead of on the one measured at that moment. Returns the measurements.
 */
async function measureInTurns(context: RunContext, running: readonly StartedTarget[]): Promise<Measurement[]> {
  const { options, log } = context;
  const measurements: Measurement[] = [];
  for (const shape of options.shapes) {
    for (const concurrency of options.concurrencies) {
      const cells: Cell[] = [];
      for (const target of running) {
        const info = TARGETS[target.name];
        const skip = (status: 'n/a' | 'failed', note: string | null) => measurements.push({ target: target.name, shape, concurrency, status, note, repetitions: [], median: null });
        if (target.outcome.status !== 'ok') skip('failed', target.outcome.note);
        else if (SHAPES[shape].needsPolicy && !info.hasPolicy) skip('n/a', `${shape} needs a target with policy`);
        else if (SHAPES[shape].needsPolicy && target.headerSets.length === 0) skip('n/a', 'no agencies to call as (--agencies, or the target brings its own)');
        else {
          // A target with policy answers only callers with a credential: every shape calls as the first agency, Q6 as all.
          const headerSets = SHAPES[shape].needsPolicy ? target.headerSets : info.hasPolicy ? target.headerSets.slice(0, 1) : [];
          cells.push({ target, job: { shape, concurrency, headerSets, randomSeed: options.randomSeed }, repetitions: [] });
        }
      }
      if (options.warmupSeconds > 0) {
        for (const cell of cells) await cell.target.setup.load.call<LoadResult>('run', { ...cell.job, durationSeconds: options.warmupSeconds, target: cell.target.setup.target });
      }
      for (let repetition = 0; repetition < options.repetitions; repetition += 1) {
        const first = cells.length > 0 ? repetition % cells.length : 0;
        for (const cell of [...cells.slice(first), ...cells.slice(0, first)]) {
          if (cell.target.child.exit) continue;
          cell.repetitions.push(await measureOnce(context, cell.target.setup, { ...cell.job, durationSeconds: options.durationSeconds }));
        }
      }
      for (const { target, repetitions } of cells) {
        const info = TARGETS[target.name];
        const exited = target.child.exit;
        const result = repetitions.length > 0 ? medianOf(repetitions) : null;
        const firstError = repetitions.find((r) => r.firstError)?.firstError ?? null;
        let note = firstError;
        if (exited) note = `the ${target.name === 'direct' ? 'direct client' : 'gateway'} exited during the run (code ${exited.code}, signal ${exited.signal})`;
        else if (repetitions.every((r) => r.requests === 0 || r.non2xx + r.graphqlErrors + r.failed >= r.requests)) note = `every request errored: ${firstError ?? 'no answer'}`;
        measurements.push({ target: target.name, shape, concurrency, status: exited ? 'failed' : 'ok', note, repetitions, median: result });
        if (exited) target.outcome = { status: 'failed', note };
        log(
          result
            ? `  ${info.label.padEnd(30)} ${shape} c=${String(concurrency).padEnd(3)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  errors ${result.non2xx + result.graphqlErrors + result.failed}${note ? `  (${note.slice(0, 120)})` : ''}`
            : `  ${info.label.padEnd(30)} ${shape} c=${String(concurrency).padEnd(3)} not measured: ${note ?? 'no repetition ran'}`,
        );
      }
      for (const sector of SECTORS) {
        const exit = context.subgraphs[sector].exit;
        if (exit) throw new Error(`the ${sector} subgraph exited (code ${exit.code}, signal ${exit.signal}); see ${context.logDirectory}`);
      }
    }
  }
  return measurements;
}

/** Given a file of header sets (a JSON array of objects of strings), returns them, or throws saying what is wrong. */
function readHeaderSets(file: string | null): HeaderSet[] {
  if (file === null) return [];
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const valid = Array.isArray(parsed) && parsed.every((set) => typeof set === 'object' && set !== null && Object.values(set).every((value) => typeof value === 'string'));
  if (!valid) throw new Error(`${file} must hold a JSON array of header objects, such as [{"authorization": "Bearer …", "x-purpose": "STATISTICS"}]`);
  return parsed as HeaderSet[];
}

/** Given a sector database, returns the database server's version ("SQLite 3.x" for the embedded engine). */
async function databaseVersion(db: Knex): Promise<string> {
  if (isMysql(db)) {
    const [rows] = (await db.raw('select version() as version')) as [Array<{ version: string }>];
    return `MySQL-compatible ${rows[0]?.version ?? 'unknown'}`;
  }
  const rows = (await db.raw('select sqlite_version() as version')) as Array<{ version: string }>;
  return `SQLite ${rows[0]?.version ?? 'unknown'}`;
}

/**
 * Given the options, the environment and a directory for the run's files, seeds (or reuses) the data, starts
 * the subgraphs and the load generator, measures every target in turn, and returns everything measured.
 */
export async function runBench(options: BenchOptions, environment: BenchEnvironment, directory: string, log: (line: string) => void): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const pinned = hasTaskset() && os.cpus().length > 1;
  if (pinned) pinSelf(options.cpus.load);
  else log('taskset is missing or there is one CPU: nothing is pinned.');
  const logDirectory = path.join(directory, 'logs');

  const { databases, seededNow, seedSeconds } = await ensureSeeded(environment.config, options.citizens, options.randomSeed, log);
  let machine;
  const started: BenchChild[] = [];
  try {
    machine = machineFacts(await databaseVersion(databases.population));
    const subgraphs = bySector((sector) => startChild({ environment, pinned, logDirectory }, `subgraph ${sector}`, 'subgraph.ts', [sector], options.cpus.subgraphs));
    started.push(...SECTORS.map((sector) => subgraphs[sector]));
    const load = startChild({ environment, pinned, logDirectory }, 'load generator', 'load.ts', [], options.cpus.load);
    started.push(load);
    const urls = await Promise.all(SECTORS.map((sector) => subgraphs[sector].ready));
    const subgraphUrls = bySector((sector) => urls[SECTORS.indexOf(sector)]!.url);
    await load.ready;
    log(`Subgraphs: ${SECTORS.map((sector) => `${sector} ${subgraphUrls[sector]}`).join(', ')}`);

    const caller = subgraphCaller(subgraphUrls, environment.config.signingKey, 1);
    const fixtures = await readFixtures(databases, caller.call, options.randomSeed).finally(() => caller.close());
    log(`Fixtures: ${fixtures.citizenIds.length.toLocaleString('en-US')} national IDs, ${fixtures.parcelCommunes.length} communes with parcels, ${fixtures.residentPages.length} communes with paged residents.`);
    await load.call('fixtures', fixtures);

    const context: RunContext = { options, environment, pinned, logDirectory, subgraphs, subgraphUrls, load, fixtures, agencyHeaderSets: readHeaderSets(options.agenciesFile), log };
    const targets: Partial<Record<TargetName, TargetOutcome>> = {};
    const measurements: Measurement[] = [];
    const pageSizeProbes: PageSizeProbe[] = [];
    // Every target is started before any is measured: they take turns (measureInTurns), each idle while another runs.
    const running: StartedTarget[] = [];
    try {
      for (const target of options.targets) {
        log(`Target ${TARGETS[target].label}…`);
        const result = await startTarget(context, target);
        if ('child' in result) running.push(result);
        else {
          targets[target] = result.outcome;
          measurements.push(...notMeasured(options, target, result.outcome.status === 'n/a' ? 'n/a' : 'failed', result.outcome.note ?? 'not started'));
        }
      }
      log(`Measuring ${running.length} targets in turns…`);
      measurements.push(...(await measureInTurns(context, running)));
    } finally {
      await Promise.all(running.map((target) => target.child.stop()));
    }
    for (const target of running) {
      targets[target.name] = target.outcome;
      pageSizeProbes.push(...target.probes);
    }
    let auditFloor: AuditFloor | null = null;
    if (options.targets.includes('ours-full') && targets['ours-full']?.status === 'ok') {
      log('Audit write floor (no load)…');
      auditFloor = await measureAuditFloor(environment.config.database);
      log(
        `  fsync'd SQLite commit ${auditFloor.sqliteCommitMs.toFixed(2)} ms; round trip ${auditFloor.roundTripMs.toFixed(2)} ms; append of 1 citizen ${auditFloor.appendOneCitizenMs.toFixed(2)} ms, of ${auditFloor.manyCitizens} ${auditFloor.appendManyCitizensMs.toFixed(2)} ms; through the outbox ${auditFloor.outboxAppendMs.toFixed(2)} ms (${auditFloor.outboxAppendCpuMs.toFixed(2)} ms of CPU)`,
      );
    }
    // Listed by target, shape and concurrency, as the options name them, whatever order they were measured in.
    const rank = (m: Measurement) => [options.targets.indexOf(m.target), options.shapes.indexOf(m.shape), options.concurrencies.indexOf(m.concurrency)];
    measurements.sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
    const databaseProcesses = DATABASE_PROGRAMS.flatMap(pidsOf);
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      options,
      machine,
      loadAverageAtEnd: os.loadavg()[0]!,
      placement: {
        pinned,
        gateway: pinned ? `CPU ${options.cpus.gateway} (also the direct floor's client, which stands in the gateway's place)` : 'not pinned',
        subgraphs: pinned ? `CPU ${options.cpus.subgraphs} (four processes)` : 'not pinned',
        loadGenerator: pinned ? `CPU ${options.cpus.load}` : 'not pinned',
        orchestrator: pinned ? `CPU ${options.cpus.load} (idle while measuring)` : 'not pinned',
        database: databaseProcesses.length ? `${DATABASE_PROGRAMS.join('/')} not started by the bench: not pinned (any CPU)` : `${environment.config.database.engine} inside each subgraph process`,
      },
      data: { citizens: options.citizens, engine: environment.config.database.engine, description: environment.description, seededNow, seedSeconds },
      targets,
      measurements,
      pageSizeProbes,
      auditFloor,
      directory,
    };
  } finally {
    await Promise.all(started.map((child) => child.stop()));
    await Promise.all(SECTORS.map((sector) => databases[sector].destroy()));
  }
}

