import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../common/sectors';

/**
 * The processes a measured window counts, each by its pid: the process in the gateway's place (a gateway, or
 * the direct floor's server), each subgraph, the bench's database server (null when the engine runs inside the
 * subgraphs, or the server is not on this machine) and the load generator.
 */
export interface MeasuredProcesses {
  gateway: number;
  subgraphs: Record<BuiltInSector, number>;
  database: number | null;
  loadGenerator: number;
}

/** CPU seconds (user and system) each measured process had used at one moment; null for one gone or not measured. */
export interface CpuReading {
  gateway: number | null;
  subgraphs: Record<BuiltInSector, number | null>;
  database: number | null;
  loadGenerator: number | null;
}

/** CPU milliseconds per request of each process over a window, and their sum. NaN where it could not be read. */
export interface CpuPerRequest {
  gateway: number;
  subgraphs: Record<BuiltInSector, number>;
  /** The four subgraphs together. */
  subgraphsTotal: number;
  /** Null when the database is not a process of its own that the bench can see (SQLite, or a server elsewhere). */
  database: number | null;
  loadGenerator: number;
  /** Every process counted: gateway, subgraphs, database and load generator. */
  total: number;
}

/** Given the processes and a reader of a pid's CPU seconds, returns the reading of each now. */
export function readCpu(processes: MeasuredProcesses, cpuSecondsOf: (pid: number) => number | null): CpuReading {
  return {
    gateway: cpuSecondsOf(processes.gateway),
    subgraphs: byBuiltInSector((sector) => cpuSecondsOf(processes.subgraphs[sector])),
    database: processes.database === null ? null : cpuSecondsOf(processes.database),
    loadGenerator: cpuSecondsOf(processes.loadGenerator),
  };
}

/**
 * Given the readings at the start and at the end of a window and the requests answered in it, returns each
 * process's CPU milliseconds per request and their total: the figure that holds on a shared machine, where
 * throughput moves with whatever else runs.
 */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): CpuPerRequest {
  const perRequest = (start: number | null, end: number | null) =>
    start === null || end === null || requests <= 0 ? Number.NaN : ((end - start) * 1000) / requests;
  const subgraphs = byBuiltInSector((sector) => perRequest(before.subgraphs[sector], after.subgraphs[sector]));
  const subgraphsTotal = BUILT_IN_SECTORS.reduce((sum, sector) => sum + subgraphs[sector], 0);
  const gateway = perRequest(before.gateway, after.gateway);
  const database = before.database === null && after.database === null ? null : perRequest(before.database, after.database);
  const loadGenerator = perRequest(before.loadGenerator, after.loadGenerator);
  return { gateway, subgraphs, subgraphsTotal, database, loadGenerator, total: gateway + subgraphsTotal + (database ?? 0) + loadGenerator };
}

/** Given CPU per request of several repetitions, returns the median of each figure. */
export function medianCpu(values: readonly CpuPerRequest[], median: (numbers: number[]) => number): CpuPerRequest {
  const of = (pick: (value: CpuPerRequest) => number) => median(values.map(pick));
  const databases = values.map((value) => value.database).filter((value): value is number => value !== null);
  return {
    gateway: of((value) => value.gateway),
    subgraphs: byBuiltInSector((sector) => of((value) => value.subgraphs[sector])),
    subgraphsTotal: of((value) => value.subgraphsTotal),
    database: databases.length > 0 ? median(databases) : null,
    loadGenerator: of((value) => value.loadGenerator),
    total: of((value) => value.total),
  };
}
