import type { Knex } from 'knex';
import { Counter, Histogram, Registry } from 'prom-client';
import { childCache } from './boundedLabels';
import { withProcessMetrics } from './processMetrics';

/** Seconds: a subgraph's answer or one SQL statement, from an index lookup to a page of hundreds of rows. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The HTTP status classes a subgraph's answers are counted by: 2xx, 4xx, 5xx. */
function statusClass(status: number): string {
  return status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 200 && status < 300 ? '2xx' : 'other';
}

/** What a subgraph counts of itself: its process, its HTTP answers and its SQL statements. */
export interface SubgraphMetrics {
  registry: Registry;
  /** Given an answer's status and how long it took, counts it. */
  answered(status: number, seconds: number): void;
}

/** Each database's statement metrics: its query events are listened to once, however many subgraphs serve it. */
const statementMetrics = new WeakMap<object, [Counter, Histogram]>();

/** Given a database, returns the counter and the histogram of its SQL statements, read off knex's query events. */
function statementMetricsOf(db: Pick<Knex, 'on'>): [Counter, Histogram] {
  const known = statementMetrics.get(db);
  if (known) return known;
  const statements = new Counter({
    name: 'subgraph_sql_statements_total',
    help: 'SQL statements the subgraph ran, by result (ok, error)',
    labelNames: ['result'],
    registers: [],
  });
  const statementDuration = new Histogram({
    name: 'subgraph_sql_duration_seconds',
    help: 'Time of one SQL statement of the subgraph',
    buckets: BUCKETS,
    registers: [],
  });
  const ok = statements.labels('ok');
  const failed = statements.labels('error');
  // knex numbers each statement; its start is kept until its answer or its error.
  const started = new Map<string, number>();
  db.on('query', (query: { __knexQueryUid?: string }) => {
    if (query.__knexQueryUid !== undefined) started.set(query.__knexQueryUid, performance.now());
  });
  const ended = (result: Counter.Internal, query: { __knexQueryUid?: string }) => {
    result.inc();
    const uid = query.__knexQueryUid;
    const at = uid === undefined ? undefined : started.get(uid);
    if (at === undefined) return;
    started.delete(uid!);
    statementDuration.observe((performance.now() - at) / 1000);
  };
  db.on('query-response', (_response: unknown, query: { __knexQueryUid?: string }) => ended(ok, query));
  db.on('query-error', (_error: unknown, query: { __knexQueryUid?: string }) => ended(failed, query));
  const made: [Counter, Histogram] = [statements, statementDuration];
  statementMetrics.set(db, made);
  return made;
}

/**
 * Given a sector and its database, returns the subgraph's metrics: its process's figures, its answers by status
 * class and their time, and its database's statements by result and their time, read off knex's query events.
 * One registry per subgraph, so that subgraphs sharing a process (`npm start`) each report their own.
 */
export function subgraphMetrics(sector: string, db: Pick<Knex, 'on'>): SubgraphMetrics {
  const registry = withProcessMetrics(new Registry());
  registry.setDefaultLabels({ subgraph: sector });
  const requests = new Counter({
    name: 'subgraph_requests_total',
    help: 'Requests the subgraph answered, by HTTP status class',
    labelNames: ['status'],
    registers: [registry],
  });
  const requestChild = childCache((status) => requests.labels(status!));
  const duration = new Histogram({
    name: 'subgraph_request_duration_seconds',
    help: 'Time of the subgraph’s answers',
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const metric of statementMetricsOf(db)) registry.registerMetric(metric);
  return {
    registry,
    answered(status, seconds) {
      requestChild(statusClass(status)).inc();
      duration.observe(seconds);
    },
  };
}
