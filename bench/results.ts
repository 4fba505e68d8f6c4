import type { CpuPerRequest } from './cpu';
import type { ProcessRuntime } from './ipc';
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
  /** The primary figure: CPU milliseconds per request of each process, counted by pid, and their total. */
  cpu: CpuPerRequest;
  /** Cores used by the process in the gateway's place (a gateway, or the direct floor's server), and its peak resident memory in MiB. */
  gatewayCores: number | null;
  gatewayResidentMegabytes: number | null;
  /**
   * Cores' worth of time the gateway's CPUs spent on anything but the gateway (the database server, which the
   * bench does not pin, or other work on the machine): what disturbs the gateway's numbers.
   */
  otherLoadOnGatewayCpus: number | null;
  subgraphCores: number;
  loadGeneratorCores: number;
  /** Cores used by the bench's database server (its pid only); null when there is none to see. */
  databaseCores: number | null;
  subgraphCallsPerRequest: number;
  statementsPerRequest: number;
  firstError: string | null;
}

/** The numbers the report shows for one target, shape and concurrency: the median over repetitions of each. */
export type MedianResult = Omit<RepetitionResult, 'firstError'>;

/** How long a target was warmed before its repetitions, and whether its CPU per request had settled by then. */
export interface Warmup {
  seconds: number;
  steady: boolean;
  /** CPU per request (gateway and subgraphs, ms) of each warm-up window, oldest first. */
  windows: number[];
}

export interface Measurement {
  target: TargetName;
  shape: ShapeName;
  concurrency: number;
  /** Null when the target was not warmed (--warmup 0) or not measured. */
  warmup: Warmup | null;
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
  /**
   * The database server's CPU per direct append naming one citizen and naming manyCitizens, one after another;
   * null when its CPU is not measured (a server elsewhere), absent in runs before it was.
   */
  databaseCpuOneCitizenMs?: number | null;
  databaseCpuManyCitizensMs?: number | null;
  /** Median of one append naming one citizen made durable in the gateway's local outbox instead (AUDIT_OUTBOX). */
  outboxAppendMs: number;
  /** The gateway process's CPU (user and system) per append through the outbox, its shipment included. */
  outboxAppendCpuMs: number;
}

/** What validating one shape's document costs, in-process, with no load (bench/limitsCost.ts). */
export interface LimitsCost {
  shape: ShapeName;
  documentBytes: number;
  /** graphql's specified rules, the validation every GraphQL server runs. */
  graphqlValidationMicros: number;
  /** The limits' own work: the figures of the document's operations (operationFigures). */
  figuresMicros: number;
  /** The same rules in a validation pass of their own: an upper bound of what they add. */
  limitsAloneMicros: number;
}

/** What the per-field row scope costs on one shape, in-process, with no load (bench/scopeCost.ts). */
export interface ScopeCost {
  shape: ShapeName;
  /** What scoped grants add to a decision over the same grants unscoped (decisions are cached per caller and document). */
  decisionMicros: number;
  /** Adding the scope probes to the document (cached per document). */
  probeRewriteMicros: number;
  /** Compiling the walk of the responses (cached with the rewrite); absent from runs before it was compiled. */
  walkCompileMicros?: number;
  /** Nulling what the owner did not vouch for, over a result of the shape's size (every response). */
  responseWalkMicros: number;
}

/** What the metrics and the access log cost the gateway per request, in-process, with no load (bench/observabilityCost.ts). */
export interface ObservabilityCost {
  accessLineMicros: number;
  requestMetricsMicros: number;
  subgraphFetchMetricsMicros: number;
}

/** What one access's inclusion proof costs in a trail of some size (bench/proofCost.ts). */
export interface ProofCost {
  records: number;
  /** Hashes on the record's path to the tree head. */
  pathHashes: number;
  /** The proof as the citizen's page receives it, JSON, signed checkpoint and countersignature included. */
  proofBytes: number;
  /** Median time to verify it as the page and `audit:verify --record` do (WebCrypto in Node). */
  verifyMicros: number;
  /** The tree's growth per record over synthetic leaves, CPU: its nodes' hashes. */
  growMicrosPerRecord: number;
  /** A real record's leaf hash (its citizens' tree included), which the growth adds per record. */
  leafMicros: number;
  /** The leaf hash of a record naming 500 citizens (a Q4's); absent in runs before it was measured. */
  leafManyMicros?: number;
  /** Where measured, in SQLite, CPU per record: growing the stored tree from the stored records (read back, checked, hashed, nodes written). */
  storedGrowMicrosPerRecord?: number;
  /** Reading a page of 20 inclusion paths from the stored tree. */
  storedPageMs?: number;
}

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  machine: MachineFacts;
  loadAverageAtEnd: number;
  placement: Placement;
  data: { citizens: number; engine: string; description: string; seededNow: boolean; seedSeconds: number };
  /** The database server whose pid is counted as the database's CPU. */
  databaseServer: string;
  /** How each process of the run ran (NODE_ENV, source maps, Node's options), by its label. */
  runtimes: Record<string, ProcessRuntime>;
  targets: Partial<Record<TargetName, TargetOutcome>>;
  measurements: Measurement[];
  /** The second data set (--scale-citizens), measured in the same run on our gateway with everything on; null when none. */
  scale: { citizens: number; description: string; seededNow: boolean; measurements: Measurement[] } | null;
  pageSizeProbes: PageSizeProbe[];
  /** Measured when our gateway with the audit trail was a target; null otherwise. */
  auditFloor: AuditFloor | null;
  /** Measured at the start of every run; absent in runs before it was. */
  limitsCost?: LimitsCost[];
  scopeCost?: ScopeCost[];
  observabilityCost?: ObservabilityCost;
  proofCost?: ProofCost[];
  /** Where the run's files were written, relative to the repository. */
  directory: string;
}
