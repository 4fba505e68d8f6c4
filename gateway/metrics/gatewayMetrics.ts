import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '../../common/errors';
import { BoundedNames, OTHER, childCache } from '../../common/metrics/boundedLabels';
import { withProcessMetrics } from '../../common/metrics/processMetrics';
import type { ReadinessReport } from '../../common/readiness';
import type { AuditFigures } from './auditGauges';
import { registerAuditGauges } from './auditGauges';
import type { AuditOutcome } from '../audit/types';
import { AUDIT_OUTCOMES } from '../audit/types';
import type { FieldDecision, PolicySnapshot } from '../policy/types';

/** Seconds: from a lookup answered from cache to a page that waits for a slow subgraph. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a durable write is an fsync'd commit, local or on the database server. */
const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];
/** Records per batch: one alone when quiet, up to the batch bound (256) under load. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);
const KNOWN_OUTCOMES = new Set<string>(AUDIT_OUTCOMES);

/** What the gauges read when Prometheus scrapes: the sources a running gateway registers. */
export interface GatewaySources {
  /** The policy in force (its version, its agencies: the agency label's values). */
  policy(): PolicySnapshot;
  /** The readiness report (reused for a second): each dependency up or down. */
  readiness?(): Promise<ReadinessReport>;
  /** The audit trail's figures, when the gateway records. */
  audit?(): AuditFigures;
}

/** A callback giving the number of sharing requests past their due date; registered by the module that keeps them. */
export type OverdueSharingRequests = () => number | Promise<number>;

/** What one answered request tells the metrics. */
export interface AnsweredRequest {
  /** The agency's code, or null for the anonymous caller. */
  agencyCode: string | null;
  operationName: string | null;
  outcome: AuditOutcome | null;
  /** The first error's code, or null for an answer without errors. */
  errorCode: string | null;
  seconds: number;
  /** The decided fields, or none when refused before a decision. */
  fields: readonly FieldDecision[];
}

/**
 * The gateway's metrics, one registry per process: requests by agency, operation, outcome and code; latency end to
 * end and per subgraph fetch; subgraph errors; policy decisions by effect and rule; the audit trail's writes,
 * backlog and seals; the policy version; each dependency's readiness; and the counters and gauges other modules
 * feed (rate-limit refusals, overdue sharing requests). Every label takes values from a bounded set: agencies of
 * the policy in force, a bounded set of operation names, the platform's error codes, the subgraphs; else "other".
 */
export class GatewayMetrics {
  readonly registry = withProcessMetrics(new Registry());
  readonly operationNames: BoundedNames;
  private sources: GatewaySources | null = null;
  private overdueSharing: OverdueSharingRequests | null = null;
  private readonly startedAt = Date.now();
  private readonly decisionCounts = new WeakMap<readonly FieldDecision[], Array<[Counter.Internal, number]>>();

  private readonly requests = new Counter({
    name: 'gateway_requests_total',
    help: 'GraphQL requests answered by the gateway, by agency, operation name, outcome and error code',
    labelNames: ['agency', 'operation', 'outcome', 'code'],
    registers: [this.registry],
  });
  private readonly requestDuration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from a request’s arrival to its answer being sent, by operation name',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly fetchDuration = new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Time of one gateway-to-subgraph call, by subgraph and result (ok, error)',
    labelNames: ['subgraph', 'result'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly subgraphErrors = new Counter({
    name: 'gateway_subgraph_errors_total',
    help: 'Subgraph calls that failed (SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE, SUBGRAPH_AUTHENTICATION_FAILED) or answered errors (their first code), by subgraph',
    labelNames: ['subgraph', 'code'],
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: 'policy_field_decisions_total',
    help: 'Field decisions of the requests answered, by effect (ALLOW, MASK, DENY) and the rule that decided',
    labelNames: ['effect', 'rule'],
    registers: [this.registry],
  });
  private readonly auditRecords = new Counter({
    name: 'audit_records_written_total',
    help: 'Audit records made durable',
    registers: [this.registry],
  });
  private readonly auditBatch = new Histogram({
    name: 'audit_batch_size_records',
    help: 'Records per durable audit write (group commit)',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  private readonly auditWrite = new Histogram({
    name: 'audit_durable_write_duration_seconds',
    help: 'Time of one durable audit write (the outbox’s commit, or the database’s)',
    buckets: WRITE_BUCKETS,
    registers: [this.registry],
  });
  private readonly rateLimitRefusals = new Counter({
    name: 'rate_limit_refusals_total',
    help: 'Requests refused by a rate limit or quota, by agency',
    labelNames: ['agency'],
    registers: [this.registry],
  });

  private readonly unknownOperations = new Counter({
    name: 'approved_operations_unknown_total',
    help: 'Operations not in the agency’s registered list, run under log-unknown or refused under enforce, by agency',
    labelNames: ['agency'],
    registers: [this.registry],
  });

  private readonly requestChild = childCache((agency, operation, outcome, code) => this.requests.labels(agency!, operation!, outcome!, code!));
  private readonly durationChild = childCache((operation) => this.requestDuration.labels(operation!));
  private readonly fetchChild = childCache((subgraph, result) => this.fetchDuration.labels(subgraph!, result!));
  private readonly subgraphErrorChild = childCache((subgraph, code) => this.subgraphErrors.labels(subgraph!, code!));
  private readonly decisionChild = childCache((effect, rule) => this.decisions.labels(effect!, rule!));
  private readonly refusalChild = childCache((agency) => this.rateLimitRefusals.labels(agency!));
  private readonly unknownOperationChild = childCache((agency) => this.unknownOperations.labels(agency!));

  constructor(maxOperationNames = 100) {
    this.operationNames = new BoundedNames(maxOperationNames);
    const policyVersion = () => this.policyVersion();
    const readiness = () => this.sources?.readiness?.();
    const overdueSharing = () => this.overdueSharing;
    new Gauge({
      name: 'policy_version',
      help: 'The version of the policy the gateway enforces',
      registers: [this.registry],
      collect() {
        const version = policyVersion();
        if (version !== null) this.set(version);
      },
    });
    new Gauge({
      name: 'dependency_up',
      help: 'Whether each dependency of the gateway is up (1) or down (0), as GET /ready reports it',
      labelNames: ['dependency'],
      registers: [this.registry],
      async collect() {
        const report = await readiness();
        this.reset();
        for (const [name, dependency] of Object.entries(report?.dependencies ?? {})) this.labels(name).set(dependency.status === 'up' ? 1 : 0);
      },
    });
    registerAuditGauges(this.registry, () => this.sources?.audit?.() ?? null, this.startedAt);
    new Gauge({
      name: 'sharing_requests_overdue',
      help: 'Sharing requests past their due date, as the module keeping them reports',
      registers: [this.registry],
      async collect() {
        const callback = overdueSharing();
        if (callback) this.set(await callback());
      },
    });
  }

  /** Given what a running gateway offers the gauges, reads them from it until withdrawn; returns the withdrawal. */
  useSources(sources: GatewaySources): () => void {
    this.sources = sources;
    return () => {
      if (this.sources === sources) this.sources = null;
    };
  }

  /** Given the callback that counts overdue sharing requests, has sharing_requests_overdue read it at each scrape. */
  useOverdueSharingRequests(callback: OverdueSharingRequests | null): void {
    this.overdueSharing = callback;
  }

  private policyVersion(): number | null {
    try {
      return this.sources?.policy().version ?? null;
    } catch {
      return null;
    }
  }

  /** Given an agency code or null (anonymous), returns its label: the code when the policy in force knows the agency, else "other". */
  agencyLabel(agencyCode: string | null): string {
    if (agencyCode === null) return 'anonymous';
    try {
      return this.sources?.policy().agencies.has(agencyCode) ? agencyCode : OTHER;
    } catch {
      return OTHER;
    }
  }

  /** Given an answered request, counts it, times it and counts its field decisions. */
  requestAnswered(request: AnsweredRequest): void {
    const operation = this.operationNames.labelOf(request.operationName);
    const outcome = request.outcome !== null && KNOWN_OUTCOMES.has(request.outcome) ? request.outcome : 'NONE';
    const code = request.errorCode === null ? 'none' : KNOWN_CODES.has(request.errorCode) ? request.errorCode : OTHER;
    this.requestChild(this.agencyLabel(request.agencyCode), operation, outcome, code).inc();
    this.durationChild(operation).observe(request.seconds);
    if (request.fields.length === 0) return;
    // A decision is cached per operation and caller: its counts are worked out once per decision, not per request.
    let counts = this.decisionCounts.get(request.fields);
    if (counts === undefined) {
      const tally = new Map<Counter.Internal, number>();
      for (const field of request.fields) {
        const child = this.decisionChild(field.effect, field.rule);
        tally.set(child, (tally.get(child) ?? 0) + 1);
      }
      counts = [...tally];
      this.decisionCounts.set(request.fields, counts);
    }
    for (const [child, count] of counts) child.inc(count);
  }

  /** Given a subgraph, how long its call took and the code it failed with (null when it answered without error), records the call. */
  subgraphFetched(subgraph: string, seconds: number, errorCode: string | null): void {
    this.fetchChild(subgraph, errorCode === null ? 'ok' : 'error').observe(seconds);
    if (errorCode !== null) this.subgraphErrorChild(subgraph, KNOWN_CODES.has(errorCode) ? errorCode : OTHER).inc();
  }

  /** Given the records of a durable audit write and its time, records the write. */
  auditBatchWritten(records: number, seconds: number): void {
    this.auditRecords.inc(records);
    this.auditBatch.observe(records);
    this.auditWrite.observe(seconds);
  }

  /** Given the agency refused, counts a rate-limit refusal. */
  rateLimitRefused(agencyCode: string | null): void {
    this.refusalChild(this.agencyLabel(agencyCode)).inc();
  }

  /** Counts an operation an agency ran (or sent) that its registered operations do not hold. */
  unknownOperation(agencyCode: string | null): void {
    this.unknownOperationChild(this.agencyLabel(agencyCode)).inc();
  }
}

let processMetrics: GatewayMetrics | undefined;

/** Given the bound on operation names (read at the first call only), returns the gateway metrics of this process. */
export function gatewayMetrics(maxOperationNames?: number): GatewayMetrics {
  processMetrics ??= new GatewayMetrics(maxOperationNames);
  return processMetrics;
}

/**
 * Counts a request refused by a rate limit or quota, as `rate_limit_refusals_total{agency}`: the agency's code
 * (null for the anonymous caller); an agency the policy in force does not know is counted as "other".
 */
export function countRateLimitRefusal(agencyCode: string | null): void {
  gatewayMetrics().rateLimitRefused(agencyCode);
}

/**
 * Given a callback that returns how many sharing requests are past their due date (a number or its promise),
 * has `sharing_requests_overdue` read it at every scrape; a later registration replaces it, null withdraws it.
 */
export function registerOverdueSharingRequests(callback: OverdueSharingRequests | null): void {
  gatewayMetrics().useOverdueSharingRequests(callback);
}
