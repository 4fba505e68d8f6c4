import type { MachineFacts } from './machine';
import type { BenchOptions } from './options';
import type { ShapeName } from './shapes';
import type { TargetName } from './targets';

/** What one measured run saw, with the processes' usage over its window. */
export interface RepetitionResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  graphqlErrors: number;
  failed: number;
  meanResponseBytes: number;
  /** Cores used by the gateway process (null for the direct floor), and its peak resident memory in MiB. */
  gatewayCores: number | null;
  gatewayResidentMegabytes: number | null;
  /**
   * Cores' worth of time the gateway's CPUs spent on anything but the gateway (the database server, which the
   * bench does not pin, or other work on the machine): what disturbs the gateway's numbers.
   */
  otherLoadOnGatewayCpus: number | null;
  subgraphCores: number;
  loadGeneratorCores: number;
  /** Cores used by the database server's processes, which the bench observes but did not start or pin. */
  databaseCores: number | null;
  subgraphCallsPerRequest: number;
  statementsPerRequest: number;
  firstError: string | null;
}

/** The numbers the report shows for one target, shape and concurrency: the median over repetitions of each. */
export type MedianResult = Omit<RepetitionResult, 'firstError'>;

export interface Measurement {
  target: TargetName;
  shape: ShapeName;
  concurrency: number;
  /** ok: measured; n/a: does not apply or not available; failed: the target broke during the run. */
  status: 'ok' | 'n/a' | 'failed';
  note: string | null;
  repetitions: RepetitionResult[];
  median: MedianResult | null;
}

export interface TargetOutcome {
  status: 'ok' | 'n/a' | 'failed';
  note: string | null;
}

/** SQL statements per request of one shape at two page sizes, counted on the subgraphs. */
export interface PageSizeProbe {
  target: TargetName;
  shape: ShapeName;
  pageSizes: [number, number];
  statementsPerRequest: [number, number];
  subgraphCallsPerRequest: [number, number];
}

/** Where each process ran. */
export interface Placement {
  pinned: boolean;
  gateway: string;
  subgraphs: string;
  loadGenerator: string;
  orchestrator: string;
  database: string;
}

/** What a lone request's audit record costs before its answer may leave, measured with no load (bench/auditFloor.ts). */
export interface AuditFloor {
  samples: number;
  /**
   * Median of one fsync'd SQLite commit (WAL, synchronous=FULL) of a record's size on the gateway's own disk: the
   * durable-write floor the audit's added p50 at c=1 is weighed against.
   */
  sqliteCommitMs: number;
  /** Median of a bare `select 1` on the gateway database. */
  roundTripMs: number;
  /** Median of one durable append naming one citizen, and naming manyCitizens. */
  appendOneCitizenMs: number;
  appendManyCitizensMs: number;
  manyCitizens: number;
  /** Median of one append naming one citizen made durable in the gateway's local outbox instead (AUDIT_OUTBOX). */
  outboxAppendMs: number;
  /** The gateway process's CPU (user and system) per append through the outbox, its shipment included. */
  outboxAppendCpuMs: number;
}

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  machine: MachineFacts;
  loadAverageAtEnd: number;
  placement: Placement;
  data: { citizens: number; engine: string; description: string; seededNow: boolean; seedSeconds: number };
  targets: Partial<Record<TargetName, TargetOutcome>>;
  measurements: Measurement[];
  pageSizeProbes: PageSizeProbe[];
  /** Measured when our gateway with the audit trail was a target; null otherwise. */
  auditFloor: AuditFloor | null;
  /** Where the run's files were written, relative to the repository. */
  directory: string;
}
