/** How long a server's own check of one dependency (its database, the audit store) may take. */
export const CHECK_TIMEOUT_MS = 500;

/**
 * How long the gateway waits for a subgraph's /ready: longer than the subgraph's own checks, so that a subgraph
 * that is up but not ready says why before the gateway gives up on it; short of Kubernetes' 1 s probe timeout.
 */
export const SUBGRAPH_CHECK_TIMEOUT_MS = 800;

/** How long a readiness report is reused: every probe within it gets the same answer, for one round of checks. */
export const READY_CACHE_MS = 1000;

/**
 * What one dependency's check says: up, with details an operator may read (a version); down, with why; or
 * degraded, with why: the server still serves without it, less well (quotas counted by one replica alone).
 */
export type DependencyReport =
  | ({ status: 'up' } & Record<string, string | number | boolean | string[]>)
  | { status: 'down'; reason: string; failing?: string[] }
  | { status: 'degraded'; reason: string };

/** A dependency a server needs to serve: resolves with details when it is up, rejects (ideally a NotReady) when not. */
export interface ReadinessCheck {
  name: string;
  /** How long it may take; the default of runChecks otherwise. */
  timeoutMs?: number;
  check(): Promise<Record<string, string | number | boolean | string[]> | void>;
}

/** The body of GET /ready: ready when no dependency is down; failing names those that are, degraded those that limp. */
export interface ReadinessReport {
  status: 'ready' | 'not ready';
  failing: string[];
  /** Present only when a dependency is degraded: the server is ready all the same. */
  degraded?: string[];
  dependencies: Record<string, DependencyReport>;
}

/** A dependency found down, with a reason fit for the probe's body: no secret, SQL or path. */
export class NotReady extends Error {
  constructor(
    readonly reason: string,
    readonly failing?: string[],
  ) {
    super(reason);
    this.name = 'NotReady';
  }
}

/** A dependency found unavailable that the server can do without for a while: it stays ready, and says so. */
export class Degraded extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Degraded';
  }
}

/** Given a promise and its time limit, returns it, or a NotReady once the time is up. */
export function withinTime<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new NotReady(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Given why a check failed, returns what the probe's body may say of it: a NotReady's own reason, or a driver's
 * error code (ECONNREFUSED, SQLITE_CANTOPEN), never a message that could carry a path, a host or SQL.
 */
export function reasonOf(error: unknown): string {
  if (error instanceof NotReady) return error.reason;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'KnexTimeoutError' ? 'no connection free within the pool timeout' : 'the check failed';
}

/** Given checks and the time each may take unless it says otherwise, runs them all at once and returns the report. */
export async function runChecks(checks: ReadinessCheck[], timeoutMs: number): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check, timeoutMs: own }): Promise<[string, DependencyReport]> => {
      try {
        return [name, { ...(await withinTime(check(), own ?? timeoutMs)), status: 'up' }];
      } catch (error) {
        if (error instanceof Degraded) return [name, { status: 'degraded', reason: error.reason }];
        const failing = error instanceof NotReady && error.failing ? { failing: error.failing } : {};
        return [name, { status: 'down', reason: reasonOf(error), ...failing }];
      }
    }),
  );
  const failing = results.filter(([, report]) => report.status === 'down').map(([name]) => name);
  const degraded = results.filter(([, report]) => report.status === 'degraded').map(([name]) => name);
  return {
    status: failing.length === 0 ? 'ready' : 'not ready',
    failing,
    ...(degraded.length > 0 ? { degraded } : {}),
    dependencies: Object.fromEntries(results),
  };
}

/**
 * Given a time to live and how to produce a value, returns a function that produces it at most once per period:
 * callers within ttlMs of the last result get that result, and callers while one is being produced share it.
 * A probe hit by every replica's kubelet and every load balancer then costs one round of checks a period.
 */
export function cachedFor<T>(ttlMs: number, produce: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && now() - last.at < ttlMs) return last.value;
    const started = { at: now(), value: produce() };
    last = started;
    // The period starts when the result is known, so that a slow round is not followed at once by another.
    started.value.then(
      () => (started.at = now()),
      () => (started.at = now()),
    );
    return started.value;
  };
}
