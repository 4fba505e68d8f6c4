import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IncomingMessage } from 'node:http';
import type { QueryLimits } from '../../common/config';
import { VALIDATION_OPTIONS, maskError } from '../../common/errors';
import type { GraphQLRoute } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import type { AuditTrail } from '../audit/auditTrail';
import { queryLimitOptions } from '../queryLimits';
import type { Accounts } from '../console/accounts';
import { CSRF_HEADER, REASON_HEADER, csrfMatches, readReason, readSessionCookie } from '../console/sessionCookie';
import type { Authenticator } from '../store/authenticator';
import { AuthenticationError, forbidden } from '../store/errors';
import type { QuotaStewardship } from '../store/quotaStewardship';
import type { GrantPreviews } from '../operations/grantPreviews';
import type { OperationRegistration } from '../operations/registration';
import type { Stewardship } from '../store/stewardship';
import type { SharingDesk } from '../sharing/sharingDesk';
import type { CitizenNotifications } from '../citizen/citizenNotifications';
import type { StoreSnapshot } from '../store/types';
import type { AdminContext } from './resolvers';
import { adminLoaders } from './loaders';
import { adminResolvers } from './resolvers';

/** The admin API's SDL, beside its resolvers. */
export const ADMIN_SCHEMA_PATH = path.join(__dirname, 'schema.graphql');
/** The approved operations' part of the admin API's SDL. */
export const ADMIN_OPERATIONS_SCHEMA_PATH = path.join(__dirname, 'operations.graphql');
/** The grant previews' part of the admin API's SDL. */
export const ADMIN_PREVIEW_SCHEMA_PATH = path.join(__dirname, 'preview.graphql');
/** The citizens' notification outbox's part of the admin API's SDL. */
export const ADMIN_NOTIFICATIONS_SCHEMA_PATH = path.join(__dirname, 'notifications.graphql');
/** The administrative units' part of the admin API's SDL: the row-scope picker's search. */
export const ADMIN_UNITS_SCHEMA_PATH = path.join(__dirname, 'units.graphql');

export interface AdminRouteOptions {
  stewardship: Stewardship;
  /** The agencies' registered operations and modes; their fields answer FORBIDDEN when left out. */
  operations?: OperationRegistration;
  authenticator: Authenticator;
  /** The policy snapshot whose credentials callers are checked against (the gateway's PolicyCache). */
  policyCache: { current(): StoreSnapshot };
  /** The audit trail's queries (auditRecords, counts, export); they answer AUDIT_UNAVAILABLE when left out. */
  audit?: AuditTrail;
  /** The steward accounts, whose console sessions may call the route too; left out: API keys only. */
  accounts?: Accounts;
  /** The quotas' operations; setQuota and the like answer FORBIDDEN when left out. */
  quotas?: QuotaStewardship;
  /** The sharing requests' desk; left out, its fields answer FORBIDDEN. */
  sharing?: SharingDesk;
  /** What a grant would open and the replay of an agency's recent requests; left out, their fields answer FORBIDDEN. */
  previews?: GrantPreviews;
  /** The citizens' notification outbox; left out, its fields answer FORBIDDEN. */
  notifications?: CitizenNotifications;
  /** Where the route answers; /admin by default. */
  path?: string;
  /** The bounds on one operation, as at /graphql; none when left out. */
  queryLimits?: QueryLimits;
}

/**
 * Given the steward operations and how to authenticate, returns the /admin GraphQL route for the
 * platform's HTTP server. Every request is authenticated before anything of it is parsed: no credential
 * is UNAUTHENTICATED (401), an agency that is not a steward FORBIDDEN (403), introspection included.
 */
export function createAdminRoute(options: AdminRouteOptions): GraphQLRoute<AdminContext> {
  const logger = getLogger('admin');
  const server = new ApolloServer<AdminContext>({
    schema: makeExecutableSchema({
      typeDefs: [ADMIN_SCHEMA_PATH, ADMIN_OPERATIONS_SCHEMA_PATH, ADMIN_PREVIEW_SCHEMA_PATH, ADMIN_NOTIFICATIONS_SCHEMA_PATH, ADMIN_UNITS_SCHEMA_PATH].map(
        (file) => fs.readFileSync(file, 'utf8'),
      ),
      resolvers: adminResolvers,
    }),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationOptions: VALIDATION_OPTIONS,
    ...(options.queryLimits ? queryLimitOptions(options.queryLimits) : {}),
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => logger.error({ err: cause }, 'admin request failed')),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginSchemaReportingDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  return {
    path: options.path ?? '/admin',
    server,
    async context(request: IncomingMessage): Promise<AdminContext> {
      const base = {
        stewardship: options.stewardship,
        operations: options.operations ?? null,
        quotas: options.quotas ?? null,
        sharing: options.sharing ?? null,
        previews: options.previews ?? null,
        notifications: options.notifications ?? null,
        audit: options.audit ?? null,
        accounts: options.accounts ?? null,
        loaders: adminLoaders(options.stewardship),
      };
      const sessionToken = readSessionCookie(request.headers.cookie);
      if (options.accounts && request.headers.authorization === undefined && sessionToken !== null) {
        const found = await options.accounts.session(sessionToken);
        if (!found) throw new AuthenticationError('Your console session has expired or was ended: sign in again');
        // Every request of a session, reads included, proves it comes from the console's own page.
        if (!csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken))
          throw forbidden(`The request lacks the session's CSRF token (header ${CSRF_HEADER}): reload the console`);
        logger.debug({ account: found.account.id }, 'console request');
        const caller = {
          kind: 'PERSON' as const,
          account: found.account,
          via: `session:${found.session.id.slice(0, 12)}`,
          reason: readReason(request.headers[REASON_HEADER]),
        };
        return { ...base, caller, actor: { kind: 'SYSTEM', task: 'unauthorized' } };
      }
      const principal = await options.authenticator.authenticate(request.headers.authorization, options.policyCache.current());
      if (principal instanceof AuthenticationError) throw principal;
      if (principal.kind === 'ANONYMOUS')
        throw new AuthenticationError('The admin API needs a steward agency\'s credential: send "Authorization: Bearer <API key>"');
      if (!principal.agency.steward) throw forbidden(`The agency ${principal.agency.code} is not a steward: the admin API is for stewards only`);
      logger.debug({ agency: principal.agency.code, credentialId: principal.credentialId }, 'steward request');
      return { ...base, caller: { kind: 'AGENCY', principal }, actor: { kind: 'SYSTEM', task: 'unauthorized' } };
    },
  };
}
