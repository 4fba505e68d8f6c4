import type { Logger } from 'pino';
import type { SendingChain } from '../enforcement/sentDocument';
import { isValidAt } from '../policy/decide';
import type { Agency, SchemaCatalog } from '../policy/types';
import type { StoreSnapshot } from '../store/types';
import type { GatewayPlanCache } from './gatewayPlanCache';
import { plansToWarm } from './planWarming';
import type { PlanToWarm } from './planWarming';
import type { ApprovedOperation, ApprovedOperations, OperationMode } from './types';

/**
 * The most registered operations one run plans ahead, enforce-mode agencies' first. Each is decided
 * for every purpose, about ten policy decisions, unless neither its agency's grants in force nor its plans'
 * presence in the cache changed since the last run; those beyond are planned on their first request, as before.
 */
export const MAX_WARMED_OPERATIONS = 200;

/**
 * The most plans one run stores. The gateway's plan cache is an LRU of about 30 MiB that live traffic shares: a
 * few hundred plans of registered operations, a few KiB each, take a small part of it.
 */
export const MAX_WARMED_PLANS = 500;

export interface PlanWarmerOptions {
  /** The gateway's plan cache, or why it cannot be reached (gatewayPlanCache). */
  cache: GatewayPlanCache | { unavailable: string };
  catalog: SchemaCatalog;
  /** The enforcement plugins the gateway runs, which decide the document each request sends. */
  chain: SendingChain;
  logger: Logger;
  /** MAX_WARMED_OPERATIONS and MAX_WARMED_PLANS unless given. */
  maxOperations?: number;
  maxPlans?: number;
  now?: () => Date;
}

/** What one run did for one policy version. */
export interface WarmingReport {
  policyVersion: number;
  /** Plans built and stored (one per cache key). */
  planned: number;
  /** Keys whose plan was cached already: the operation ran, or an earlier run planned it. */
  alreadyCached: number;
  /** Registered operations not planned ahead: beyond the bounds, or left when a newer policy came. */
  leftOut: number;
  /** Registered operations whose planning failed (logged): their requests plan, and fail, as before. */
  failed: number;
  /** Why nothing could be planned ahead (the gateway's cache cannot be reached); null when the run could. */
  unavailable: string | null;
}

/** The order in which agencies' operations are planned ahead: an agency that runs registered operations only comes first. */
const MODE_ORDER: Record<OperationMode, number> = { enforce: 0, 'log-unknown': 1, off: 2 };

/** Given a policy snapshot, returns its agencies' registered operations in the order they are planned ahead. */
function operationsInOrder(snapshot: StoreSnapshot): Array<{ agencyCode: string; operation: ApprovedOperation }> {
  const approved: ApprovedOperations = snapshot.approvedOperations ?? new Map();
  return [...approved]
    .sort(([leftCode, left], [rightCode, right]) => MODE_ORDER[left.mode] - MODE_ORDER[right.mode] || leftCode.localeCompare(rightCode))
    .flatMap(([agencyCode, { byId }]) =>
      [...byId.values()]
        .sort((left, right) => left.application.localeCompare(right.application) || left.id.localeCompare(right.id))
        .map((operation) => ({ agencyCode, operation })),
    );
}

/**
 * Given the plan cache, one operation's plans, the run's report and its bound, builds and stores each plan whose
 * keys are not all cached yet; returns false, having stored nothing more, once a plan would pass the bound.
 */
async function storePlans(cache: GatewayPlanCache, plans: readonly PlanToWarm[], report: WarmingReport, maxPlans: number): Promise<boolean> {
  for (const plan of plans) {
    const missing: string[] = [];
    for (const key of plan.keys) if (!(await cache.has(key))) missing.push(key);
    report.alreadyCached += plan.keys.length - missing.length;
    if (missing.length === 0) continue;
    if (report.planned + missing.length > maxPlans) return false;
    const built = cache.plan(plan.document, plan.operationName);
    for (const key of missing) await cache.store(key, built);
    report.planned += missing.length;
  }
  return true;
}

/** Given the plan cache and keys, tells whether a plan is cached under each. */
async function allCached(cache: GatewayPlanCache, keys: readonly string[]): Promise<boolean> {
  for (const key of keys) if (!(await cache.has(key))) return false;
  return true;
}

/** Given an agency, the policy and the instant, returns what its decisions rest on (decide.ts): its record and its grants in force. */
function decisionInputs(agency: Agency, snapshot: StoreSnapshot, now: Date): string {
  return JSON.stringify([agency, (snapshot.grantsByAgency.get(agency.code) ?? []).filter((grant) => isValidAt(grant, now.getTime()))]);
}

/** Lets the requests waiting meanwhile run: planning ahead never holds the event loop for more than one operation. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Plans agencies' registered operations ahead into the gateway's query-plan cache, so that the first request of
 * each does not pay planning: for each policy version it is given, the documents the enforcement plugins would
 * send for each operation and purpose are planned under the keys the gateway's executor looks up, within
 * MAX_WARMED_OPERATIONS and MAX_WARMED_PLANS. One run at a time; a newer policy stops the older run. A failure
 * is logged and counted, never thrown: serving does not depend on it.
 */
export class PlanWarmer {
  private readonly logger: Logger;
  private latest: { version: number; done: Promise<WarmingReport> } | null = null;
  private generation = 0;
  private stopped = false;
  private warnedUnavailable = false;
  /**
   * Per agency and operation, what its plans were last decided on and their keys: while both hold (another
   * agency's grant changed, say), the operation is not decided again, only found cached.
   */
  private readonly warmed = new Map<string, { inputs: string; keys: string[] }>();

  constructor(private readonly options: PlanWarmerOptions) {
    this.logger = options.logger;
  }

  /** Returns why registered operations cannot be planned ahead (what readiness reports as degraded), or null when they can. */
  unavailable(): string | null {
    return 'unavailable' in this.options.cache ? this.options.cache.unavailable : null;
  }

  /** Given the policy in force, plans its registered operations ahead once per version, after any earlier run has stopped; returns the run's report. */
  warm(snapshot: StoreSnapshot): Promise<WarmingReport> {
    if (this.latest?.version === snapshot.version) return this.latest.done;
    const generation = ++this.generation;
    const previous = this.latest?.done ?? Promise.resolve(null);
    const done = previous.then(() => this.run(snapshot, generation));
    this.latest = { version: snapshot.version, done };
    return done;
  }

  /** Stops the run under way at its next operation, and any later one: the gateway is stopping. */
  stop(): void {
    this.stopped = true;
  }

  /** Returns the report of the latest run once it is over, or null when none has been asked for. */
  async idle(): Promise<WarmingReport | null> {
    return this.latest ? this.latest.done : null;
  }

  private async run(snapshot: StoreSnapshot, generation: number): Promise<WarmingReport> {
    const report: WarmingReport = { policyVersion: snapshot.version, planned: 0, alreadyCached: 0, leftOut: 0, failed: 0, unavailable: this.unavailable() };
    const { cache } = this.options;
    const queue = operationsInOrder(snapshot);
    if ('unavailable' in cache) {
      if (!this.warnedUnavailable && queue.length > 0) {
        this.warnedUnavailable = true;
        this.logger.warn({ reason: cache.unavailable }, 'registered operations cannot be planned ahead: each is planned on its first request');
      }
      return { ...report, leftOut: queue.length };
    }
    const maxOperations = this.options.maxOperations ?? MAX_WARMED_OPERATIONS;
    const maxPlans = this.options.maxPlans ?? MAX_WARMED_PLANS;
    let visited = 0;
    const current = () => !this.stopped && generation === this.generation;
    for (const { agencyCode, operation } of queue) {
      if (current()) await yieldToRequests();
      const agency = snapshot.agencies.get(agencyCode);
      if (!current() || visited >= maxOperations || report.planned >= maxPlans || !agency) {
        report.leftOut += 1;
        continue;
      }
      visited += 1;
      try {
        const now = this.options.now?.() ?? new Date();
        const warmedKey = `${agencyCode} ${operation.id}`;
        const inputs = decisionInputs(agency, snapshot, now);
        const last = this.warmed.get(warmedKey);
        if (last?.inputs === inputs && (await allCached(cache, last.keys))) {
          report.alreadyCached += last.keys.length;
          continue;
        }
        const plans = plansToWarm({ schema: cache.schema(), catalog: this.options.catalog }, agency, operation, snapshot, now, this.options.chain);
        if (await storePlans(cache, plans, report, maxPlans)) this.warmed.set(warmedKey, { inputs, keys: plans.flatMap((plan) => plan.keys) });
        else report.leftOut += 1;
      } catch (error) {
        report.failed += 1;
        // The ids only: an operation's text may hold personal data in its literals.
        this.logger.warn({ err: error, agencyCode, operationId: operation.id }, 'a registered operation could not be planned ahead');
      }
    }
    const registered = new Set(queue.map(({ agencyCode, operation }) => `${agencyCode} ${operation.id}`));
    for (const key of this.warmed.keys()) if (!registered.has(key)) this.warmed.delete(key);
    if (report.planned > 0 || report.leftOut > 0 || report.failed > 0) this.logger.info(report, 'registered operations planned ahead');
    return report;
  }
}
