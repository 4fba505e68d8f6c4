import type { ConnectionOptions } from 'node:tls';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Dispatcher } from 'undici';
import { Agent, fetch } from 'undici';
import type { SectorName } from '../common/sectors';
import type { ReadinessCheck, ReadinessReport } from '../common/readiness';
import { CHECK_TIMEOUT_MS, Degraded, NotReady, READY_CACHE_MS, SUBGRAPH_CHECK_TIMEOUT_MS, cachedFor, reasonOf, runChecks } from '../common/readiness';
import { pingDatabase } from '../db/ping';
import type { AuditLog } from '../gateway/audit/auditLog';
import { redisCheck } from '../gateway/quotas/redisConnection';
import type { PolicyCache } from '../gateway/store/policyCache';

/** What a dependency's name looks like (database, audit): anything else a subgraph reports is dropped. */
const DEPENDENCY_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** Given a subgraph's GraphQL URL, returns where its readiness probe answers (beside /graphql). */
export function readyUrlOf(graphqlUrl: string): string {
  return new URL('ready', graphqlUrl).toString();
}

/**
 * Given a subgraph's GraphQL URL (and, for an https one, the dispatcher holding the gateway's TLS options), returns
 * the check that asks its /ready: up on 200; down on anything else, with the dependencies the subgraph names as
 * failing (its database), or on no answer within SUBGRAPH_CHECK_TIMEOUT_MS.
 */
export function subgraphCheck(sector: SectorName, graphqlUrl: string, dispatcher?: Dispatcher): ReadinessCheck {
  const url = readyUrlOf(graphqlUrl);
  return {
    name: sector,
    timeoutMs: SUBGRAPH_CHECK_TIMEOUT_MS,
    async check() {
      let response: Awaited<ReturnType<typeof fetch>>;
      try {
        response = await fetch(url, {
          signal: AbortSignal.timeout(SUBGRAPH_CHECK_TIMEOUT_MS),
          headers: { accept: 'application/json' },
          ...(dispatcher ? { dispatcher } : {}),
        });
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        if (name === 'TimeoutError' || name === 'AbortError') throw new NotReady(`no answer within ${SUBGRAPH_CHECK_TIMEOUT_MS} ms`);
        const reason = reasonOf((error as { cause?: unknown }).cause);
        throw new NotReady(reason === 'the check failed' ? 'unreachable' : reason);
      }
      const body = (await response.json().catch(() => null)) as { failing?: unknown } | null;
      if (response.status === 200) return;
      // Only names are passed on: a subgraph's answer is not copied into the gateway's.
      const failing = Array.isArray(body?.failing)
        ? body.failing.filter((name): name is string => typeof name === 'string' && DEPENDENCY_NAME.test(name))
        : undefined;
      throw new NotReady(`HTTP ${response.status}`, failing);
    },
  };
}

export interface GatewayReadinessOptions {
  gatewayDb: Knex;
  policyCache: PolicyCache;
  /** Null when the gateway records nothing (the benchmark's gateway without enforcement). */
  auditLog: AuditLog | null;
  /** Where each sector's subgraph answers, by sector. */
  subgraphUrls: Record<SectorName, string>;
  /** The quotas' Redis, when one is configured: degraded, not down, while it cannot be reached. */
  redis?: Redis | null;
  /** The TLS options of calls to https subgraphs, as the gateway's own calls use them. */
  subgraphTls?: ConnectionOptions;
  /** Why registered operations cannot be planned ahead (PlanWarmer.unavailable), or null: degraded while there is a reason. */
  planWarming?: () => string | null;
}

/**
 * Given what the gateway depends on, returns its readiness, checked at most once a second: the policy in force
 * and its version, the gateway's database, the audit store (whether records are taken), and each subgraph's own
 * /ready; and Redis when quotas are counted there (degraded while unreachable: the quotas are counted locally).
 */
export function gatewayReadiness(options: GatewayReadinessOptions): () => Promise<ReadinessReport> {
  const dispatcher = options.subgraphTls ? new Agent({ connect: options.subgraphTls }) : undefined;
  const checks: ReadinessCheck[] = [
    { name: 'policy', check: async () => ({ version: policyVersion(options.policyCache) }) },
    { name: 'database', check: () => pingDatabase(options.gatewayDb) },
    ...(options.auditLog ? [auditCheck(options.auditLog)] : []),
    ...(options.redis ? [redisCheck(options.redis)] : []),
    ...Object.entries(options.subgraphUrls).map(([sector, url]) => subgraphCheck(sector, url, dispatcher)),
  ];
  return cachedFor(READY_CACHE_MS, () => runChecks([...checks, ...planWarmingCheck(options.planWarming?.() ?? null)], CHECK_TIMEOUT_MS));
}

/** Given why registered operations cannot be planned ahead, returns the degraded check that says so; none while they can be. */
function planWarmingCheck(reason: string | null): ReadinessCheck[] {
  if (reason === null) return [];
  return [
    {
      name: 'planWarming',
      check: async () => {
        throw new Degraded(`${reason}: registered operations are planned on their first request`);
      },
    },
  ];
}

/** Given the policy cache, returns the version of the policy in force, or throws a NotReady before one is loaded. */
function policyVersion(policyCache: PolicyCache): number {
  try {
    return policyCache.current().version;
  } catch {
    throw new NotReady('no policy loaded');
  }
}

/** Given the audit log, returns the check that it takes records: personal data is refused while it does not. */
function auditCheck(auditLog: AuditLog): ReadinessCheck {
  return {
    name: 'audit',
    async check() {
      if (!auditLog.acceptingRecords) throw new NotReady('the audit store cannot record: personal data is refused');
    },
  };
}
