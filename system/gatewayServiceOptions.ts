import type { Logger } from 'pino';
import type { AuditConfig, CitizenConfig, HttpLimits, JwtConfig, MetricsConfig, PolicyMode, QueryLimits, QuotaConfig, StewardConfig } from '../common/config';
import { LOOPBACK_NETWORKS } from '../common/config';
import type { ReferenceCacheConfig } from '../common/referenceCache';
import type { RunningServer } from '../common/subgraphServer';
import type { SubgraphTlsConfig } from '../common/tlsConfig';
import type { WorkingCalendar } from '../common/workingDays';
import type { DemoCitizen } from '../db/demoCitizens';
import type { AuditLog } from '../gateway/audit/auditLog';
import type { AuditTrail } from '../gateway/audit/auditTrail';
import type { CitizenRequests } from '../gateway/citizen/citizenRequests';
import type { CitizenSessions } from '../gateway/citizen/citizenSessions';
import type { Accounts } from '../gateway/console/accounts';
import type { OperationRegistration } from '../gateway/operations/registration';
import type { PlanWarmer } from '../gateway/operations/planWarmer';
import type { UnknownOperationEvent } from '../gateway/operations/types';
import type { QuotaRefusal } from '../gateway/quotas/quotaTypes';
import type { SharingDesk } from '../gateway/sharing/sharingDesk';
import type { PolicyCache } from '../gateway/store/policyCache';
import type { QuotaStewardship } from '../gateway/store/quotaStewardship';
import type { Stewardship } from '../gateway/store/stewardship';

export interface GatewayServiceOptions {
  host: string;
  gatewayPort: number;
  subgraphTimeoutMs: number;
  queryLimits: QueryLimits;
  /** The gateway's HTTP server: timeouts, body size, connections per client (common/config.ts). */
  httpLimits?: HttpLimits;
  /** The key the gateway signs each subgraph call with and every subgraph verifies. */
  signingKey: Buffer;
  /** TLS between the gateway and the subgraphs (SUBGRAPH_TLS_*); left out: plain HTTP. */
  subgraphTls?: SubgraphTlsConfig;
  policy: { mode: PolicyMode; refreshMs: number };
  jwt: JwtConfig | null;
  audit: AuditConfig;
  production: boolean;
  /** Origins whose web pages may call the gateway; empty or left out: same origin only. */
  corsOrigins?: string[];
  /** Where `npm start` writes the demo agencies' keys, which the explorer offers outside production. */
  dataDirectory?: string;
  /** The supergraph served (supergraphFor(config.sectors)); the committed schema/supergraph.graphql when left out. */
  supergraphSdl?: string;
  /** Quotas per agency: the defaults and where they are counted; left out, the configuration's defaults, in memory. */
  quotas?: QuotaConfig;
  /** Told of every request refused over its quota: the one place such a refusal is counted. */
  onQuotaRefused?: (refusal: QuotaRefusal) => void;
  /** Told of every unregistered operation an agency in log-unknown mode runs: the one place a metric counter is wired. */
  onUnknownOperation?: (event: UnknownOperationEvent) => void;
  /** The working days sharing requests' deadlines count (config.workingCalendar); the built-in public holidays when left out. */
  workingCalendar?: WorkingCalendar;
  /** Who may read GET /metrics; loopback only, without a token, when left out. */
  metrics?: MetricsConfig;
  /** Where each request's access line goes; the process logger by default. */
  accessLogger?: Logger;
  /** False: the gateway and the subgraphs write no access-log line (ACCESS_LOG=off); on when left out. */
  accessLog?: boolean;
  /** How long the subgraphs serve open reference data from memory (REFERENCE_CACHE_*); the defaults when left out. */
  referenceCache?: ReferenceCacheConfig;
  /** The citizens' page: how they sign in (the development provider when left out) and how long a session lasts. */
  citizen?: CitizenConfig;
  /** How stewards sign in to the console: local accounts when left out. */
  steward?: StewardConfig;
  /** The seeded citizens the development identity provider offers; none when left out. */
  demoCitizens?: () => Promise<DemoCitizen[]>;
}

/** Who reads the metrics when the configuration says nothing: this host only. */
export const LOOPBACK_ONLY: MetricsConfig = { allowedNetworks: LOOPBACK_NETWORKS, token: null, maxOperationNames: 100, enabled: true };

export interface RunningGateway {
  gateway: RunningServer;
  /** The stewards' operations over the gateway's store, as the admin API and the CLI use them. */
  stewardship: Stewardship;
  /** The agencies' registered operations and modes, as the admin API and the CLI use them. */
  operations: OperationRegistration;
  /** The steward accounts and their console sessions. */
  accounts: Accounts;
  /** The stewards' operations on quotas. */
  quotas: QuotaStewardship;
  /** The agencies' sharing requests and their answers. */
  sharing: SharingDesk;
  /** The citizens' sessions and their requests (contested accesses, rights requests). */
  citizenSessions: CitizenSessions;
  citizenRequests: CitizenRequests;
  policyCache: PolicyCache;
  /** What plans registered operations ahead into the gateway's query-plan cache. */
  planWarmer: PlanWarmer;
  auditLog: AuditLog;
  auditTrail: AuditTrail;
  stop(): Promise<void>;
}
