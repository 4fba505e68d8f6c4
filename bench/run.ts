import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';

import { isMysql } from '../db/connection';
import { Random } from '../db/seed/random';
import { registerBenchCallers } from './agencies';
import { apiSchemaOf, buildCatalog } from '../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../schema/load';
import { measureAuditFloor } from './auditFloor';
import { measureLimitsCost } from './limitsCost';
import { PROOF_TRAIL_SIZES, measureProofCost } from './proofCost';
import { measureScopeCost } from './scopeCost';
import { measureObservabilityCost } from './observabilityCost';
import { ensureSeeded } from './database';
import type { BenchEnvironment, DataSet } from './database';
import type { GraphQLBody } from './directClient';
import { subgraphCaller } from './directClient';
import { readFixtures } from './fixtures';
import type { ProcessRuntime } from './ipc';
import { machineFacts } from './machine';
import type { MeasureContext, RunningTarget } from './measure';
import { headerSetsFor, measureInTurns, readCounters } from './measure';
import type { BenchOptions } from './options';
import { BenchChild, ChildUnavailable, hasTaskset, pinSelf } from './processes';
import type { AuditFloor, BenchRun, Measurement, PageSizeProbe, TargetOutcome } from './results';
import type { Fixtures, ShapeName } from './shapes';
import { Q2_PAGE_SIZE, Q4_PAGE_SIZE, SHAPES } from './shapes';
import type { TargetName } from './targets';
import { TARGETS } from './targets';
import type { BenchRedis } from './redisServer';
import { startBenchRedis } from './redisServer';
import type { HeaderSet } from './targets/started';
import { emptyAuditTrail } from './targets/ours';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../common/sectors';

/** Requests per page size in the page-size probe: a few suffice, the count per request is exact. */
const PROBE_REQUESTS = 4;

/** What starting a child needs: whether to pin, where logs go, and the environment. */
interface ChildPlace {
  pinned: boolean;
  logDirectory: string;
  /** Where each child writes its CPU profile, in a folder named after it (--profile), or null. */
  profileDirectory: string | null;
  env: NodeJS.ProcessEnv;
}

/** Given where and a child script with its arguments, starts it pinned as asked, logging to the run's log directory. */
function startChild(place: ChildPlace, label: string, script: string, args: string[], cpus: string): BenchChild {
  const fileName = label.replace(/[^a-z0-9-]+/gi, '-');
  return BenchChild.start({
    label,
    script,
    args,
    env: place.env,
    cpus: place.pinned ? cpus : null,
    logFile: path.join(place.logDirectory, `${fileName}.log`),
    profileDirectory: place.profileDirectory && path.join(place.profileDirectory, fileName),
  });
}

/** Given a gateway URL, a body and headers, posts it; throws unless the answer is 2xx without GraphQL errors. */
async function postToGateway(url: string, body: GraphQLBody, headers: HeaderSet): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as { errors?: Array<{ message: string }> };
  if (!response.ok || parsed.errors?.length) throw new Error(`HTTP ${response.status}: ${parsed.errors?.[0]?.message ?? 'no message'}`);
}

/**
 * Given the context, a started gateway and its shapes, sends a few Q2 and Q4 requests at a small and at the
 * full page size, one at a time, and returns the SQL statements and subgraph calls per request counted on the
 * subgraphs: a constant count whatever the page size is what the DataLoaders promise.
 */
async function probePageSizes(
  context: MeasureContext,
  fixtures: Fixtures,
  target: TargetName,
  url: string,
  shapes: readonly ShapeName[],
  randomSeed: number,
): Promise<PageSizeProbe[]> {
  const probes: PageSizeProbe[] = [];
  const plan: Array<[ShapeName, [number, number]]> = [
    ['Q2', [10, Q2_PAGE_SIZE]],
    ['Q4', [20, Q4_PAGE_SIZE]],
  ];
  for (const [shape, pageSizes] of plan) {
    if (!shapes.includes(shape)) continue;
    const statements: number[] = [];
    const calls: number[] = [];
    const headers = headerSetsFor(target, shape, context.callers)[0] ?? {};
    for (const pageSize of pageSizes) {
      const random = new Random(randomSeed, 0x9a9e);
      const before = await readCounters(context.subgraphs);
      for (let sequence = 0; sequence < PROBE_REQUESTS; sequence += 1) {
        await postToGateway(url, SHAPES[shape].body(fixtures, { sequence, random }, pageSize), headers);
      }
      const after = await readCounters(context.subgraphs);
      statements.push((after.statements - before.statements) / PROBE_REQUESTS);
      calls.push((after.requests - before.requests) / PROBE_REQUESTS);
    }
    probes.push({ target, shape, pageSizes, statementsPerRequest: [statements[0]!, statements[1]!], subgraphCallsPerRequest: [calls[0]!, calls[1]!] });
  }
  return probes;
}

/** What one data set's measurement returns. */
interface DataSetResult {
  outcomes: Partial<Record<TargetName, TargetOutcome>>;
  measurements: Measurement[];
  probes: PageSizeProbe[];
  runtimes: Record<string, ProcessRuntime>;
}

/** Given a target that was not measured, why, and the options, returns its empty measurement of every shape and concurrency. */
function unmeasured(options: BenchOptions, target: TargetName, status: 'n/a' | 'failed', note: string): Measurement[] {
  return options.shapes.flatMap((shape) =>
    options.concurrencies.map((concurrency) => ({ target, shape, concurrency, warmup: null, status, note, repetitions: [], median: null })),
  );
}

/** Given the targets, starts the bench's own Redis when one of them counts its quotas there; null when none does, or it cannot start. */
async function benchRedisFor(targetNames: readonly TargetName[], log: (line: string) => void): Promise<BenchRedis | null> {
  if (!targetNames.some((name) => TARGETS[name].redis)) return null;
  try {
    const redis = await startBenchRedis();
    log(`Redis for the quotas at ${redis.url} (pid ${redis.pid}, not counted)`);
    return redis;
  } catch (error) {
    log(`Redis for the quotas: ${(error as Error).message}`);
    return null;
  }
}

/** Given a target's name, says whether its process is a gateway or the floor's server, for logs and labels. */
const childLabel = (target: TargetName) => (target === 'direct' ? 'direct floor' : `gateway ${target}`);

/**
 * Given the options, the environment, one data set with its open databases, the targets to measure there and
 * a log, starts the subgraphs and the load generator over that data, reads the fixtures, registers the bench's
 * callers, starts every target (each idle but for the one measured), measures them in turns, and stops them all.
 */
async function measureDataSet(
  options: BenchOptions,
  environment: BenchEnvironment,
  dataSet: DataSet,
  databases: Record<BuiltInSector, Knex>,
  targetNames: readonly TargetName[],
  place: Omit<ChildPlace, 'env'>,
  log: (line: string) => void,
): Promise<DataSetResult> {
  const childPlace: ChildPlace = { ...place, env: dataSet.env };
  const started: BenchChild[] = [];
  const runtimes: Record<string, ProcessRuntime> = {};
  const outcomes: Partial<Record<TargetName, TargetOutcome>> = {};
  const measurements: Measurement[] = [];
  const probes: PageSizeProbe[] = [];
  const size = dataSet.citizens.toLocaleString('en-US');
  try {
    const subgraphs = byBuiltInSector((sector) => startChild(childPlace, `subgraph ${sector} ${size}`, 'subgraph.ts', [sector], options.cpus.subgraphs));
    started.push(...BUILT_IN_SECTORS.map((sector) => subgraphs[sector]));
    const load = startChild(childPlace, `load generator ${size}`, 'load.ts', [], options.cpus.load);
    started.push(load);
    const urls = await Promise.all(BUILT_IN_SECTORS.map((sector) => subgraphs[sector].ready));
    const subgraphUrls = byBuiltInSector((sector) => urls[BUILT_IN_SECTORS.indexOf(sector)]!.url);
    await load.ready;
    for (const child of started) runtimes[child.label] = await child.call<ProcessRuntime>('runtime');
    log(`Subgraphs over ${size} citizens: ${BUILT_IN_SECTORS.map((sector) => `${sector} ${subgraphUrls[sector]}`).join(', ')}`);

    const caller = subgraphCaller(subgraphUrls, dataSet.config.signingKey, 1);
    const fixtures = await readFixtures(databases, caller.call, options.randomSeed).finally(() => caller.close());
    const callers = await registerBenchCallers(dataSet.config.database, fixtures.ward.communeCode);
    await emptyAuditTrail(dataSet.config.database);
    log(
      `Fixtures: ${fixtures.citizenIds.length.toLocaleString('en-US')} national IDs, ${fixtures.parcelCommunes.length} communes with parcels, ${fixtures.residentPages.length} communes with paged residents; the ward office serves ${fixtures.ward.communeCode}.`,
    );
    await load.call('fixtures', fixtures);
    const context: MeasureContext = {
      subgraphs,
      load,
      databasePid: environment.server?.pid ?? null,
      gatewayCpus: place.pinned ? options.cpus.gateway : null,
      callers,
      log,
    };

    const gatewayEnv = { ...dataSet.env, ...Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [`${sector.toUpperCase()}_URL`, subgraphUrls[sector]])) };
    const running: RunningTarget[] = [];
    const redis = await benchRedisFor(targetNames, log);
    try {
      for (const name of targetNames) {
        log(`Target ${TARGETS[name].label}…`);
        const begun = Date.now();
        if (TARGETS[name].redis && redis === null) {
          const note = "the bench's Redis server could not be started";
          outcomes[name] = { status: 'n/a', note };
          measurements.push(...unmeasured(options, name, 'n/a', note));
          continue;
        }
        const targetEnv = { ...gatewayEnv, ...TARGETS[name].environment, ...(TARGETS[name].redis && redis ? { REDIS_URL: redis.url } : {}) };
        // The floor's server does the gateway's work, so it runs where a gateway would: on the gateway's CPUs.
        const child = startChild(
          { ...childPlace, env: targetEnv },
          `${childLabel(name)} ${size}`,
          name === 'direct' ? 'floor.ts' : 'gateway.ts',
          name === 'direct' ? [] : [name],
          options.cpus.gateway,
        );
        try {
          const { url } = await child.ready;
          runtimes[child.label] = await child.call<ProcessRuntime>('runtime');
          running.push({ name, child, urlFor: (shape) => (name === 'direct' ? new URL(shape, url).toString() : url), sequences: new Map(), failure: null });
          log(`  started in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
          if (name !== 'direct') {
            probes.push(
              ...(await probePageSizes(context, fixtures, name, url, options.shapes, options.randomSeed).catch((error: unknown) => {
                log(`  page-size probe on ${TARGETS[name].label} failed: ${(error as Error).message}`);
                return [];
              })),
            );
          }
        } catch (error) {
          await child.stop();
          const unavailable = error instanceof ChildUnavailable;
          const note = (error as Error).message;
          log(`  ${TARGETS[name].label}: ${unavailable ? note : `FAILED to start: ${note}`}`);
          outcomes[name] = { status: unavailable ? 'n/a' : 'failed', note };
          measurements.push(...unmeasured(options, name, unavailable ? 'n/a' : 'failed', note));
        }
      }
      log(`Measuring ${running.length} targets in turns over ${size} citizens…`);
      measurements.push(
        ...(await measureInTurns(context, running, {
          shapes: options.shapes,
          concurrencies: options.concurrencies,
          durationSeconds: options.durationSeconds,
          repetitions: options.repetitions,
          warmup: { least: options.warmupSeconds, most: options.warmupMaxSeconds },
          randomSeed: options.randomSeed,
        })),
      );
    } finally {
      await Promise.all(running.map((target) => target.child.stop()));
      await redis?.stop();
    }
    for (const target of running) outcomes[target.name] = target.failure === null ? { status: 'ok', note: null } : { status: 'failed', note: target.failure };
  } finally {
    await Promise.all(started.map((child) => child.stop()));
  }
  // Listed by target, shape and concurrency, as the options name them, whatever order they were measured in.
  const rank = (m: Measurement) => [options.targets.indexOf(m.target), options.shapes.indexOf(m.shape), options.concurrencies.indexOf(m.concurrency)];
  measurements.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  return { outcomes, measurements, probes, runtimes };
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

/** The data sets of a run: the main one, and the scale one when asked for. */
function dataSetSizes(options: BenchOptions): number[] {
  return options.scaleCitizens === null ? [options.citizens] : [options.citizens, options.scaleCitizens];
}

/**
 * Given the options, the environment, a directory for the run's files and a log, seeds (or reuses) every data
 * set beforehand, measures every target over the main one and our gateway with everything on over the scale
 * one, measures the audit's write floor, and returns everything measured.
 */
export async function runBench(
  options: BenchOptions,
  environment: BenchEnvironment,
  dataSets: readonly DataSet[],
  directory: string,
  log: (line: string) => void,
): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const pinned = hasTaskset() && os.cpus().length > 1;
  if (pinned) pinSelf(options.cpus.load);
  else log('taskset is missing or there is one CPU: nothing is pinned.');
  const place = { pinned, logDirectory: path.join(directory, 'logs'), profileDirectory: options.profile ? path.join(directory, 'profiles') : null };
  if (dataSets.length !== dataSetSizes(options).length) throw new Error('one data set per size is needed');
  log('Query limits, per document (in-process, before any load)…');
  const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const apiSchema = apiSchemaOf(supergraphSdl);
  const limitsCost = measureLimitsCost(apiSchema, dataSets[0]!.config.queryLimits);
  for (const cost of limitsCost)
    log(
      `  ${cost.shape}: figures ${cost.figuresMicros.toFixed(1)} µs, limit rules in their own pass ${cost.limitsAloneMicros.toFixed(1)} µs, graphql's validation ${cost.graphqlValidationMicros.toFixed(1)} µs`,
    );

  log('Metrics and access log, per request (in-process, before any load)…');
  const observabilityCost = measureObservabilityCost(path.join(environment.temporaryDirectory, 'access-cost.log'));
  log(
    `  access line ${observabilityCost.accessLineMicros.toFixed(1)} µs, request metrics ${observabilityCost.requestMetricsMicros.toFixed(1)} µs, per subgraph call ${observabilityCost.subgraphFetchMetricsMicros.toFixed(1)} µs`,
  );

  log('Per-field row scope, per request (in-process, before any load)…');
  const scopeCost = measureScopeCost(apiSchema, buildCatalog(supergraphSdl), supergraphSdl);
  for (const cost of scopeCost)
    log(
      `  ${cost.shape}: decision +${cost.decisionMicros.toFixed(1)} µs, probe rewrite ${cost.probeRewriteMicros.toFixed(1)} µs, walk compiled ${(cost.walkCompileMicros ?? 0).toFixed(1)} µs, response walk ${cost.responseWalkMicros.toFixed(1)} µs`,
    );

  log('Inclusion proofs of the audit trail (in-process, before any load)…');
  // A smoke run checks that every measure runs: the two smallest trails, one of them stored, are enough for that.
  const proofCost = await measureProofCost(options.smoke ? PROOF_TRAIL_SIZES.slice(0, 2) : PROOF_TRAIL_SIZES);
  for (const cost of proofCost)
    log(
      `  ${cost.records} records: ${cost.pathHashes} hashes, ${cost.proofBytes} bytes, verified in ${(cost.verifyMicros / 1000).toFixed(2)} ms${cost.storedPageMs === undefined ? '' : `, a page of paths from SQLite ${cost.storedPageMs.toFixed(1)} ms`}`,
    );

  const seeded: Array<Awaited<ReturnType<typeof ensureSeeded>>> = [];
  try {
    // Every data set is seeded before anything is measured: a seed never runs beside a measurement.
    for (const dataSet of dataSets) seeded.push(await ensureSeeded(dataSet.config, dataSet.citizens, options.randomSeed, log));
    const machine = machineFacts(await databaseVersion(seeded[0]!.databases.population));
    const main = await measureDataSet(options, environment, dataSets[0]!, seeded[0]!.databases, options.targets, place, log);
    const scaleTargets = options.targets.filter((target) => target === 'ours-full');
    let scale: BenchRun['scale'] = null;
    if (dataSets[1] && scaleTargets.length > 0) {
      const measured = await measureDataSet(options, environment, dataSets[1], seeded[1]!.databases, scaleTargets, place, log);
      Object.assign(main.runtimes, measured.runtimes);
      scale = { citizens: dataSets[1].citizens, description: dataSets[1].description, seededNow: seeded[1]!.seededNow, measurements: measured.measurements };
    }
    let auditFloor: AuditFloor | null = null;
    if (options.targets.includes('ours-full') && main.outcomes['ours-full']?.status === 'ok') {
      log('Audit write floor (no load)…');
      auditFloor = await measureAuditFloor(dataSets[0]!.config.database, environment.server?.pid ?? null);
      log(
        `  fsync'd SQLite commit ${auditFloor.sqliteCommitMs.toFixed(2)} ms; round trip ${auditFloor.roundTripMs.toFixed(2)} ms; append of 1 citizen ${auditFloor.appendOneCitizenMs.toFixed(2)} ms, of ${auditFloor.manyCitizens} ${auditFloor.appendManyCitizensMs.toFixed(2)} ms; through the outbox ${auditFloor.outboxAppendMs.toFixed(2)} ms (${auditFloor.outboxAppendCpuMs.toFixed(2)} ms of CPU); database CPU per append of 1 citizen ${auditFloor.databaseCpuOneCitizenMs?.toFixed(2) ?? '–'} ms, of ${auditFloor.manyCitizens} ${auditFloor.databaseCpuManyCitizensMs?.toFixed(2) ?? '–'} ms`,
      );
    }
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      options,
      machine,
      loadAverageAtEnd: os.loadavg()[0]!,
      placement: {
        pinned,
        gateway: pinned ? `CPU ${options.cpus.gateway} (also the direct floor's server, which stands in the gateway's place)` : 'not pinned',
        subgraphs: pinned ? `CPU ${options.cpus.subgraphs} (four processes)` : 'not pinned',
        loadGenerator: pinned ? `CPU ${options.cpus.load}` : 'not pinned',
        orchestrator: pinned ? `CPU ${options.cpus.load} (idle while measuring)` : 'not pinned',
        database: environment.server ? 'not pinned (any CPU)' : `${environment.engine} inside each subgraph process`,
      },
      data: {
        citizens: options.citizens,
        engine: environment.engine,
        description: dataSets[0]!.description,
        seededNow: seeded[0]!.seededNow,
        seedSeconds: seeded[0]!.seedSeconds,
      },
      databaseServer: environment.server?.description ?? 'none: SQLite runs inside each subgraph process, whose CPU holds it',
      runtimes: main.runtimes,
      targets: main.outcomes,
      measurements: main.measurements,
      scale,
      pageSizeProbes: main.probes,
      auditFloor,
      limitsCost,
      scopeCost,
      observabilityCost,
      proofCost,
      directory,
    };
  } finally {
    await Promise.all(seeded.flatMap((entry) => BUILT_IN_SECTORS.map((sector) => entry.databases[sector].destroy())));
  }
}
