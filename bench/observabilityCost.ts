import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import { createLogger } from '../common/logger';
import type { RequestAnswer } from '../common/httpServer';
import { GatewayMetrics } from '../gateway/metrics/gatewayMetrics';
import { UncountedGatewayMetrics } from '../gateway/metrics/uncountedMetrics';
import { requestObserver } from '../gateway/observability/requestObserver';
import type { AuditRecordInput } from '../gateway/audit/types';
import { medianMicros } from './limitsCost';
import type { BenchRun, ObservabilityCost } from './results';
import { fixed } from './reportTables';

/** A request's record as the gateway notes it: an agency's lookup of one citizen, ten fields decided. */
const RECORD: AuditRecordInput = {
  at: new Date('2026-12-01T08:00:00.000Z'),
  principal: {
    kind: 'AGENCY',
    agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false },
    credentialId: 'k3y1d000',
    userId: 'officer.nguyen',
  },
  purpose: 'LAND_REGISTRATION',
  dossierId: 'HS-2026-0001',
  operationName: 'Owner',
  query: 'query Owner($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth gender permanentAddress { communeCode } } }',
  variables: { id: '038085001234' },
  fields: Array.from({ length: 10 }, (_, index) => ({
    coordinate: `Citizen.field${index}`,
    effect: 'ALLOW' as const,
    rule: 'GRANT' as const,
    grantId: 'g1',
    reason: 'granted',
    mask: null,
    neededGrant: null,
    scopeUnitCodes: null,
  })),
  citizenIds: ['038085001234'],
  rowCount: 1,
  outcome: 'ALLOWED',
  errorCode: null,
  latencyMs: 12,
  policyVersion: 4,
};

const ANSWER: RequestAnswer = {
  arrivedAt: new Date('2026-12-01T08:00:00.000Z'),
  requestId: '6f1c2e8a-3b7d-4c1e-9a5f-0d2b8e4f6a10',
  elapsedMs: 4.2,
  route: '/graphql',
  status: 200,
  errorCode: () => null,
};

/**
 * Given a file for the access lines and a number of samples, returns what the observability costs the gateway's
 * process per request, in microseconds (median): the access-log line (built, serialized by pino and written to the
 * file, synchronously, as pino writes to standard output), the request's metrics (the counter and histogram of the
 * request, the decided fields' counters), and the metrics of one subgraph call.
 */
export function measureObservabilityCost(logFile: string, samples = 2000): ObservabilityCost {
  const destination = pino.destination({ dest: logFile, sync: true });
  const logger = createLogger({ level: 'info', destination });
  const uncounted = new UncountedGatewayMetrics();
  const counted = new GatewayMetrics(100);
  const observe = (observer: ReturnType<typeof requestObserver>) => () => {
    const request = {} as IncomingMessage;
    observer.noteOf(request).record = RECORD;
    observer.answered(request, ANSWER);
  };
  const bare = medianMicros(observe(requestObserver({ metrics: uncounted, logger, auditInstance: 'bench', accessLog: false })), samples);
  const withLine = medianMicros(observe(requestObserver({ metrics: uncounted, logger, auditInstance: 'bench', accessLog: true })), samples);
  const withMetrics = medianMicros(observe(requestObserver({ metrics: counted, logger, auditInstance: 'bench', accessLog: false })), samples);
  const subgraphFetchMicros = medianMicros(() => counted.subgraphFetched('population', 0.0021, null), samples);
  destination.flushSync();
  destination.end();
  return {
    accessLineMicros: Math.max(0, withLine - bare),
    requestMetricsMicros: Math.max(0, withMetrics - bare),
    subgraphFetchMetricsMicros: subgraphFetchMicros,
  };
}

/**
 * Given a run, returns the section on what the metrics and the access log cost per request, in-process, set against
 * the gateway's CPU per request with them off (ours-bare) at the highest concurrency; none when not measured.
 */
export function observabilityCostSection(run: BenchRun): string[] {
  const cost = run.observabilityCost;
  if (!cost) return [];
  const concurrency = Math.max(...run.options.concurrencies);
  const rows = run.measurements
    .filter((m) => m.target === 'ours-bare' && m.concurrency === concurrency && m.median)
    .map((m) => {
      const median = m.median!;
      const micros = median.gatewayCores && median.requestsPerSecond > 0 ? (median.gatewayCores / median.requestsPerSecond) * 1e6 : null;
      const added = cost.accessLineMicros + cost.requestMetricsMicros + cost.subgraphFetchMetricsMicros * median.subgraphCallsPerRequest;
      return `| ${m.shape} | ${fixed(median.subgraphCallsPerRequest, 1)} | ${fixed(added, 1)} µs | ${micros === null ? '–' : `${fixed(micros / 1000, 3)} ms`} | ${micros === null ? '–' : `${fixed((100 * added) / micros, 2)}%`} |`;
    });
  return [
    '## What the metrics and the access log cost, in-process',
    '',
    `Median of 2,000 runs in the bench's own process before any load (bench/observabilityCost.ts): the access-log line, built, serialized and written synchronously to a file as pino writes standard output, ${fixed(cost.accessLineMicros, 1)} µs; ` +
      `a request's metrics (its counter and histogram, its decided fields' counters) ${fixed(cost.requestMetricsMicros, 1)} µs; a subgraph call's histogram ${fixed(cost.subgraphFetchMetricsMicros, 1)} µs. ` +
      `Set against the gateway's CPU per request with both off, at c=${concurrency} in this run: a figure that does not move with the machine's load, beside the verdicts, which compare whole processes.`,
    '',
    '| shape | subgraph calls per request | added per request | gateway CPU per request, observability off | share |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}
