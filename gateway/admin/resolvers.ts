import type { PageArguments } from '../../common/pagination';
import type { AuditFilterInput, AuditTrail } from '../audit/auditTrail';
import { AuditUnavailableError } from '../audit/errors';
import type { Principal, GrantTarget } from '../policy/types';
import { badInput } from '../store/errors';
import { describeTarget, stewardActor } from '../store/stewardship';
import type { AgencyInput, AgencyPatch, GrantInput, IssuedApiKey, Stewardship, UnitInput } from '../store/stewardship';
import type { PolicyChange } from '../store/types';

/** What every admin resolver gets: the steward who calls (checked before any resolver runs) and the operations. */
export interface AdminContext {
  principal: Extract<Principal, { kind: 'AGENCY' }>;
  stewardship: Stewardship;
  /** The audit trail's queries; null where this gateway was started without them. */
  audit: AuditTrail | null;
}

type Resolver<Args> = (source: unknown, args: Args, context: AdminContext) => unknown;

const issued = ({ key, credential }: IssuedApiKey) => ({ key, apiKey: credential });
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Given variables as JSON text (or nothing), returns them parsed, or throws BAD_USER_INPUT. */
function variablesOf(text: string | null | undefined): Record<string, unknown> | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw badInput('The variables are not JSON text: expected an object such as {"hide": true}');
  }
}

function trail(context: AdminContext): AuditTrail {
  if (!context.audit) throw new AuditUnavailableError('The audit trail is not available on this gateway');
  return context.audit;
}

/** Resolvers of the admin API: each is one call to the steward operations, with the caller as the actor. */
export const adminResolvers: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver takes arguments of its own
  Query: Record<string, Resolver<any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver takes arguments of its own
  Mutation: Record<string, Resolver<any>>;
  GrantTarget: Record<string, (target: GrantTarget) => unknown>;
  PolicyChange: Record<string, (change: PolicyChange) => unknown>;
} = {
  Query: {
    policyVersion: (_source, _args: Record<string, never>, { stewardship }) => stewardship.version(),
    agencies: (_source, _args: Record<string, never>, { stewardship }) => stewardship.listAgencies(),
    agency: (_source, args: { code: string }, { stewardship }) => stewardship.agency(args.code),
    apiKeys: (_source, args: { agencyCode?: string | null }, { stewardship }) => stewardship.listApiKeys(args.agencyCode ?? null),
    grants: (_source, args: { agencyCode?: string | null; includeRevoked?: boolean | null }, { stewardship }) => stewardship.listGrants(args),
    grant: (_source, args: { id: string }, { stewardship }) => stewardship.grant(args.id),
    policyChanges: (_source, args: { limit?: number | null; before?: number | null; entityType?: string | null; entityId?: string | null }, { stewardship }) =>
      stewardship.changes(args),
    explain: (
      _source,
      args: {
        agencyCode?: string | null;
        purpose?: string | null;
        query: string;
        variables?: string | null;
        operationName?: string | null;
        at?: string | null;
      },
      { stewardship },
    ) => stewardship.explain({ ...args, agencyCode: args.agencyCode ?? null, purpose: args.purpose ?? null, variables: variablesOf(args.variables) }),
    auditRecords: (_source, args: PageArguments & { filter?: AuditFilterInput | null }, context) => trail(context).records(args.filter ?? {}, args),
    auditCountsByAgency: (_source, args: { filter?: AuditFilterInput | null }, context) => trail(context).countsByAgency(args.filter ?? {}),
    auditCountsByField: (_source, args: { filter?: AuditFilterInput | null }, context) => trail(context).countsByField(args.filter ?? {}),
    auditExport: (_source, args: { filter?: AuditFilterInput | null }, context) => trail(context).exportCsv(args.filter ?? {}),
  },

  Mutation: {
    createAgency: (_source, args: { input: AgencyInput }, { principal, stewardship }) => stewardship.createAgency(stewardActor(principal), args.input),
    updateAgency: (_source, args: { code: string; input: AgencyPatch }, { principal, stewardship }) =>
      stewardship.updateAgency(stewardActor(principal), args.code, args.input),
    createApiKey: async (_source, args: { agencyCode: string; expiresAt?: string | null; label?: string | null }, { principal, stewardship }) =>
      issued(await stewardship.createApiKey(stewardActor(principal), args)),
    rotateApiKey: async (_source, args: { id: string; graceSeconds?: number | null; expiresAt?: string | null }, { principal, stewardship }) =>
      issued(await stewardship.rotateApiKey(stewardActor(principal), args)),
    revokeApiKey: (_source, args: { id: string }, { principal, stewardship }) => stewardship.revokeApiKey(stewardActor(principal), args.id),
    createGrant: (_source, args: { input: GrantInput }, { principal, stewardship }) => stewardship.createGrant(stewardActor(principal), args.input),
    revokeGrant: (_source, args: { id: string }, { principal, stewardship }) => stewardship.revokeGrant(stewardActor(principal), args.id),
    loadAdministrativeUnits: (_source, args: { units: UnitInput[] }, { principal, stewardship }) => stewardship.loadUnits(stewardActor(principal), args.units),
  },

  GrantTarget: {
    coordinate: (target) => (target.kind === 'FIELD' ? target.coordinate : null),
    typeName: (target) => (target.kind === 'TYPE' ? target.typeName : null),
    sharing: (target) => (target.kind === 'CLASSIFICATION' ? target.sharing : null),
    personal: (target) => (target.kind === 'CLASSIFICATION' ? target.personal : null),
    sector: (target) => (target.kind === 'CLASSIFICATION' ? (target.sector ?? null) : null),
    typeNames: (target) => (target.kind === 'CLASSIFICATION' ? (target.typeNames ?? null) : null),
    description: (target) => describeTarget(target),
  },

  PolicyChange: {
    before: (change) => json(change.before),
    after: (change) => json(change.after),
  },
};
