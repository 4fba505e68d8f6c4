import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { GraphQLSchema } from 'graphql';
import { badUserInput } from '../../common/errors';
import { printable } from '../../common/nationalId';
import { SELF_SERVICE, subgraphDocument } from '../../schema/load';
import type { GatewayContext } from '../enforcement/context';
import { decideOperation } from '../policy/decideOperation';
import { sectorScopes } from '../policy/explain';
import type { Agency, Decision, PolicySnapshot, Purpose, SchemaCatalog } from '../policy/types';
import { PURPOSES } from '../policy/types';
import { answeredFields } from '../refusalStatus';
import { AuthenticationError } from '../store/errors';
import type { SharingRequestInput } from '../sharing/requestInput';
import type { SharingDesk, SharingPartView, SharingRequestView } from '../sharing/sharingDesk';
import type { MyAccessView } from './myAccess';
import { myAccessOf } from './myAccess';

export interface SelfServiceOptions {
  /** The API schema operations are written against, and its catalog. */
  apiSchema: GraphQLSchema;
  catalog: SchemaCatalog;
  /** The policy in force (the gateway's PolicyCache); null where the gateway enforces no policy. */
  snapshot: (() => PolicySnapshot) | null;
  /** Where agencies file their sharing requests; null where this gateway takes none. */
  sharing?: SharingDesk | null;
  now?(): Date;
}

/** Given an owner's part, returns it as the requester reads it: the owner's answer, never who of its stewards gave it. */
function mySharingPart(part: SharingPartView) {
  const { answeredBy: _answeredBy, ...visible } = part;
  return {
    ...visible,
    grantedFields: part.answer?.fields ?? null,
    grantedPurposes: part.answer?.purposes ?? null,
    grantedScopeUnitCodes: part.answer?.scopeUnitCodes ?? null,
    grantIds: part.answer?.grantIds ?? null,
  };
}

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/**
 * Given the refused parts of a request, returns the request-level refusal that clients written before requests had
 * parts still read: the one owner's reason, or each owner's prefixed by its code; the legal bases, each once.
 */
function requestRefusal(refused: readonly SharingPartView[]): { refusalReason: string | null; refusalLegalBasis: string | null } {
  if (refused.length === 0) return { refusalReason: null, refusalLegalBasis: null };
  const reasons = refused.map((part) => (refused.length === 1 ? (part.refusalReason ?? '') : `${part.ownerCode}: ${part.refusalReason ?? ''}`));
  const bases = distinct(refused.flatMap((part) => (part.refusalLegalBasis ? [part.refusalLegalBasis] : [])));
  return { refusalReason: reasons.join('; '), refusalLegalBasis: bases.length === 0 ? null : bases.join('; ') };
}

/** Given a request, returns it as its requester reads it: each owner's answer, and every grant the approved parts made. */
function mySharingRequest(request: SharingRequestView) {
  const approved = request.parts.flatMap((part) => (part.answer === null ? [] : [part.answer]));
  // A part granted without communes grants every row: the request's total then has none either.
  const scopes = approved.map((answer) => answer.scopeUnitCodes);
  return {
    ...request,
    parts: request.parts.map(mySharingPart),
    grantedFields: approved.length === 0 ? null : approved.flatMap((answer) => answer.fields),
    grantIds: approved.length === 0 ? null : approved.flatMap((answer) => answer.grantIds),
    grantedPurposes: approved.length === 0 ? null : distinct(approved.flatMap((answer) => answer.purposes)),
    grantedScopeUnitCodes: approved.length === 0 || scopes.some((scope) => scope === null) ? null : distinct(scopes.flatMap((scope) => scope ?? [])),
    ...requestRefusal(request.parts.filter((part) => part.status === 'REFUSED')),
  };
}

/**
 * Given the request's context, returns the calling agency. The policy refuses the anonymous caller before any
 * of this runs (rule ANONYMOUS_OPEN_ONLY); this is the second lock on the same door.
 */
function callingAgency(context: GatewayContext): Agency {
  if (context.principal.kind !== 'AGENCY')
    throw new AuthenticationError('The self-service answers an agency about itself: send its credential in Authorization');
  return context.principal.agency;
}

function purposeOf(argument: string | null | undefined, context: GatewayContext): Purpose | null {
  if (argument === null || argument === undefined) return context.purpose;
  if (!(PURPOSES as readonly string[]).includes(argument))
    throw badUserInput(`Unknown purpose "${printable(argument)}": expected one of ${PURPOSES.join(', ')}`, 'purpose');
  return argument as Purpose;
}

/**
 * Given how to read the policy, returns the self-service resolvers: each answers about the calling agency only, and
 * each refusal with the HTTP status of its code (answeredFields).
 */
export function selfServiceResolvers(options: SelfServiceOptions): GraphQLResolverMap<GatewayContext> {
  const now = () => options.now?.() ?? new Date();
  const policy = (): PolicySnapshot => {
    if (!options.snapshot) throw new AuthenticationError('This gateway enforces no policy, so it has no access to tell');
    return options.snapshot();
  };
  const sharing = (): SharingDesk => {
    if (!options.sharing) throw new AuthenticationError('This gateway takes no sharing requests');
    return options.sharing;
  };
  return {
    Mutation: answeredFields({
      fileSharingRequest: async (_source: unknown, args: { input: SharingRequestInput }, context: GatewayContext) => {
        const agency = callingAgency(context);
        const credentialId = context.principal.kind === 'AGENCY' ? context.principal.credentialId : 'unknown';
        return mySharingRequest(await sharing().file(agency, { kind: 'AGENCY', agencyCode: agency.code, credentialId }, args.input));
      },
    }),
    Query: answeredFields({
      mySharingRequests: async (_source: unknown, _args: Record<string, never>, context: GatewayContext) =>
        (await sharing().filedBy(callingAgency(context).code)).reverse().map(mySharingRequest),
      myAccess: (_source: unknown, _args: Record<string, never>, context: GatewayContext): MyAccessView =>
        myAccessOf(callingAgency(context), policy(), options.catalog, now()),
      explainOperation: (
        _source: unknown,
        args: { query: string; operationName?: string | null; purpose?: string | null },
        context: GatewayContext,
      ): Decision => {
        // The caller's own principal, credential included: an agency explains its own requests, never another's.
        const principal = { ...context.principal, agency: callingAgency(context) };
        const outcome = decideOperation({
          schema: options.apiSchema,
          catalog: options.catalog,
          snapshot: policy(),
          principal,
          purpose: purposeOf(args.purpose, context),
          query: args.query,
          operationName: args.operationName ?? null,
          // No variables: every @skip or @include condition counts as executing, so its fields are decided too.
          variables: null,
          now: now(),
        });
        if ('problem' in outcome) throw badUserInput(outcome.problem, 'query');
        return outcome.decision;
      },
    }),
    DecisionScope: { sectors: (scope: Decision['scope']) => sectorScopes(scope) },
  };
}

/**
 * Given the options, returns the data source of the self-service subgraph: its schema executed in the
 * gateway's process with the request's own context (who is calling, as the gateway authenticated it), so there
 * is no network hop to sign and no port where anyone could call it directly.
 */
export function selfServiceDataSource(options: SelfServiceOptions): LocalGraphQLDataSource {
  const schema = buildSubgraphSchema({ typeDefs: subgraphDocument(SELF_SERVICE), resolvers: selfServiceResolvers(options) as GraphQLResolverMap<unknown> });
  return new LocalGraphQLDataSource(schema);
}
