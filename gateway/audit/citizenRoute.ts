import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { JwtConfig, QueryLimits } from '../../common/config';
import { VALIDATION_OPTIONS, maskError } from '../../common/errors';
import type { GraphQLRoute } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { queryLimitOptions } from '../queryLimits';
import { looksLikeApiKey } from '../store/apiKeys';
import { AuthenticationError } from '../store/errors';
import type { AuditTrail, CitizenAccess, CitizenAccessArguments } from './auditTrail';
import type { CitizenTokenVerifier } from './citizenToken';
import { createCitizenTokenVerifier } from './citizenToken';

/** The citizen tracker's SDL, beside its resolvers. */
export const CITIZEN_SCHEMA_PATH = path.join(__dirname, 'citizen.graphql');

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** What the tracker's resolver gets: the citizen asking, from their token, and the trail. */
export interface CitizenContext {
  nationalId: string;
  trail: AuditTrail;
}

export interface CitizenRouteOptions {
  trail: AuditTrail;
  /** The province's identity provider; with neither it nor a tokenVerifier, every request is refused. */
  jwt: JwtConfig | null;
  /** Replaces the verifier built from `jwt` (tests, or a provider reached another way). */
  tokenVerifier?: CitizenTokenVerifier;
  /** Where the route answers; /citizen by default. */
  path?: string;
  /** The bounds on one operation, as at /graphql; none when left out. */
  queryLimits?: QueryLimits;
}

const citizenResolvers = {
  Query: {
    myDataAccess: (_source: unknown, args: CitizenAccessArguments, { nationalId, trail }: CitizenContext) => trail.citizenAccess(nationalId, args),
  },
  AccessRecord: {
    proof: (access: CitizenAccess) => (access.proof ? JSON.stringify(access.proof) : null),
  },
};

/**
 * Given the audit trail and the identity provider, returns the /citizen GraphQL route: a citizen's data tracker.
 * Every request is authenticated before anything of it is parsed (no token, an API key or an agency's token is
 * UNAUTHENTICATED, 401); the national ID comes from the token alone, so a citizen reads only their own log.
 */
export function createCitizenRoute(options: CitizenRouteOptions): GraphQLRoute<CitizenContext> {
  const logger = getLogger('citizen');
  const verifier = options.tokenVerifier ?? (options.jwt ? createCitizenTokenVerifier(options.jwt) : null);
  const server = new ApolloServer<CitizenContext>({
    schema: makeExecutableSchema({ typeDefs: fs.readFileSync(CITIZEN_SCHEMA_PATH, 'utf8'), resolvers: citizenResolvers }),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationOptions: VALIDATION_OPTIONS,
    ...(options.queryLimits ? queryLimitOptions(options.queryLimits) : {}),
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => logger.error({ err: cause }, 'citizen request failed')),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginSchemaReportingDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  return {
    path: options.path ?? '/citizen',
    server,
    async context(request: IncomingMessage): Promise<CitizenContext> {
      const header = request.headers.authorization;
      if (header === undefined) throw new AuthenticationError('The data tracker needs your sign-in token: send "Authorization: Bearer <token>"');
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) throw new AuthenticationError('The Authorization header must read "Bearer <token>"');
      if (looksLikeApiKey(token)) throw new AuthenticationError("API keys are for agencies: the data tracker needs a citizen's sign-in token");
      if (!verifier) throw new AuthenticationError('Citizen sign-in is not configured on this platform');
      const { nationalId } = await verifier.verify(token);
      return { nationalId, trail: options.trail };
    },
  };
}
