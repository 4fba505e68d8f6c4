import fs from 'node:fs';
import { parse } from 'graphql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { PlainRoute } from '../common/httpServer';
import { loadWorkingCalendar } from '../common/workingDays';
import type { AccessProofs } from '../gateway/audit/accessProofs';
import type { AuditTrail } from '../gateway/audit/auditTrail';
import { CitizenNotifications } from '../gateway/citizen/citizenNotifications';
import { CitizenRepository } from '../gateway/citizen/citizenRepository';
import { CitizenRequests } from '../gateway/citizen/citizenRequests';
import { citizenRoutes } from '../gateway/citizen/citizenRoutes';
import { CitizenSessions } from '../gateway/citizen/citizenSessions';
import { citizenSignIn } from '../gateway/citizen/citizenSignIn';
import { readDataCopy } from '../gateway/citizen/dataCopy';
import { NotificationRepository } from '../gateway/citizen/notificationRepository';
import { dataConcernedList, dataOwner } from '../gateway/citizen/requestRouting';
import { buildCatalog } from '../gateway/policy/catalog';
import { declaredLabels } from '../gateway/policy/labels';
import type { GatewayExecutor } from '../gateway/server';
import type { PolicyCache } from '../gateway/store/policyCache';
import { SUPERGRAPH_PATH } from '../schema/load';
import type { GatewayServiceOptions } from './gatewayServiceOptions';

/** What the citizens' page works with: their sessions, their requests, the notification outbox, and its routes. */
export interface CitizenServices {
  sessions: CitizenSessions;
  requests: CitizenRequests;
  notifications: CitizenNotifications;
  /** Given the logger, returns the citizens' routes (/citizen/…). */
  routes(logger: Logger): PlainRoute[];
}

/** Where the citizens' services read, and what they ask of the rest of the gateway. */
export interface CitizenServicesInput {
  gatewayDb: Knex;
  policyCache: PolicyCache;
  auditTrail: AuditTrail;
  accessProofs: AccessProofs;
  /** The gateway's executor once it listens (a citizen's copy of their data is read through it); null before. */
  executor: () => GatewayExecutor | null;
  options: Pick<GatewayServiceOptions, 'citizen' | 'production' | 'supergraphSdl' | 'workingCalendar' | 'audit' | 'demoCitizens'>;
}

/** Given the gateway's store, policy and audit trail, returns the citizens' services; production never runs the development provider. */
export function citizenServices(input: CitizenServicesInput): CitizenServices {
  const { gatewayDb, policyCache, auditTrail, options } = input;
  const citizenConfig = options.citizen ?? { signIn: { kind: 'development' as const }, sessionTtlMs: 30 * 60 * 1000 };
  if (citizenConfig.signIn.kind === 'development' && options.production) throw new Error('production never runs the development identity provider');
  const repository = new CitizenRepository(gatewayDb);
  const sessions = new CitizenSessions(repository, citizenConfig.sessionTtlMs);
  const supergraphText = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const labels = declaredLabels(parse(supergraphText));
  const catalog = buildCatalog(supergraphText);
  const agencyName = (code: string) => policyCache.current().agencies.get(code)?.name ?? null;
  const requests = new CitizenRequests({
    repository,
    calendar: options.workingCalendar ?? loadWorkingCalendar(),
    accessAgencyOf: async (nationalId, reference) => {
      if (!(await auditTrail.citizenMaySee(nationalId, reference))) return undefined;
      const [instance, seq] = reference.split(':');
      return repository.accessAgency(instance!, Number(seq));
    },
    dataOwnerOf: (concerns) => dataOwner(concerns, catalog, policyCache.current().agencies.values()),
    agencyName,
  });
  const notifications = new CitizenNotifications({
    repository: new NotificationRepository(gatewayDb),
    deferredAgencies: options.audit.deferredAgencies,
    deferralDays: options.audit.deferralDays,
  });
  // The gateway hands its executor over once it listens; a copy asked before then cannot be read.
  const readCopy = (nationalId: string) => {
    const executor = input.executor();
    if (!executor) throw new Error('the gateway is not listening yet');
    return readDataCopy(executor, nationalId, labels);
  };
  return {
    sessions,
    requests,
    notifications,
    routes: (logger) =>
      citizenRoutes({
        signIn: citizenSignIn({ config: citizenConfig.signIn, demoCitizens: options.demoCitizens ?? (async () => []) }),
        sessions,
        requests,
        trail: auditTrail,
        labels,
        dataConcerned: dataConcernedList(catalog, labels),
        copy: readCopy,
        notifications,
        deferral: { agencies: options.audit.deferredAgencies, days: options.audit.deferralDays },
        agencyName,
        proofTrust: () => input.accessProofs.trust(),
        logger,
      }),
  };
}
