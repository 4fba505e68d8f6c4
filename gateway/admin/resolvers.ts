import type { PageArguments } from '../../common/pagination';
import type { AuditFilterInput, AuditTrail } from '../audit/auditTrail';
import { AuditUnavailableError } from '../audit/errors';
import { sectorScopes } from '../policy/explain';
import type { Agency, Decision, FieldDecision, GrantTarget } from '../policy/types';
import { buildCatalogue, ownerAgency } from '../catalogue/catalogue';
import type { CatalogueField } from '../catalogue/catalogue';
import type { InstrumentInput, InstrumentPatch } from '../register/legalRegister';
import { grantsNeedingReview, replacedBy, vietnamDay } from '../register/review';
import type { GrantReview, LegalInstrument } from '../register/types';
import type { AccountInput, AccountPatch, Accounts } from '../console/accounts';
import { permittedFields } from '../console/permissions';
import { badInput, forbidden } from '../store/errors';
import { describeTarget } from '../store/stewardship';
import type { AgencyInput, AgencyPatch, GrantInput, GrantView, IssuedApiKey, Stewardship, UnitInput } from '../store/stewardship';
import type { QuotaInput, QuotaStewardship } from '../store/quotaStewardship';
import type { Actor, PolicyChange } from '../store/types';
import type { GrantPreviews } from '../operations/grantPreviews';
import type { OperationRegistration } from '../operations/registration';
import type { ApprovalNarrowing, SharingDesk, SharingRequestView } from '../sharing/sharingDesk';
import type { AdminCaller } from './guard';
import type { AdminLoaders } from './loaders';
import { guardRootResolvers } from './guard';
import { operationResolvers } from './operationResolvers';
import { previewResolvers } from './previewResolvers';
import { notificationResolvers } from './notificationResolvers';
import { unitResolvers } from './unitResolvers';
import type { CitizenNotifications } from '../citizen/citizenNotifications';
import { answeredFields } from '../refusalStatus';

/** What every admin resolver gets: who calls (checked before any resolver runs), the actor it acts as, and the operations. */
export interface AdminContext {
  caller: AdminCaller;
  /** Who the history records for this field: set by the guard once the caller's role admits the field. */
  actor: Actor;
  stewardship: Stewardship;
  /** The audit trail's queries; null where this gateway was started without them. */
  audit: AuditTrail | null;
  /** The steward accounts; null where this gateway was started without the console. */
  accounts: Accounts | null;
  /** The quotas' operations; null where this gateway counts none. */
  quotas: QuotaStewardship | null;
  /** The agencies' registered operations and modes; null where this gateway was started without them. */
  operations: OperationRegistration | null;
  /** The sharing requests' desk; null where this gateway was started without it. */
  sharing: SharingDesk | null;
  /** Grant previews and replays; null where this gateway was started without them. */
  previews: GrantPreviews | null;
  /** The citizens' notification outbox; null where this gateway was started without it. */
  notifications: CitizenNotifications | null;
  /** What this request's resolvers share: the register and the grants, read once. */
  loaders: AdminLoaders;
}

function desk(context: AdminContext): SharingDesk {
  if (!context.sharing) throw forbidden('Sharing requests are not handled on this gateway');
  return context.sharing;
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

function accountsOf(context: AdminContext): Accounts {
  if (!context.accounts) throw forbidden('Steward accounts are not managed on this gateway');
  return context.accounts;
}

function quotasOf(context: AdminContext): QuotaStewardship {
  if (!context.quotas) throw forbidden('Quotas are not managed on this gateway');
  return context.quotas;
}

function trail(context: AdminContext): AuditTrail {
  if (!context.audit) throw new AuditUnavailableError('The audit trail is not available on this gateway');
  return context.audit;
}

function requestStatus(value: string): SharingRequestView['status'] {
  if (value !== 'PENDING' && value !== 'APPROVED' && value !== 'REFUSED' && value !== 'PARTLY_APPROVED')
    throw badInput(`Unknown request status "${value.slice(0, 40)}": expected PENDING, APPROVED, REFUSED or PARTLY_APPROVED`);
  return value;
}

const NO_REVIEW: GrantReview = { needsReview: false, obsoleteInstruments: [], successors: [], citesNothing: false };

/** Given a grant, the register and the instant, returns its review: none for a revoked or expired grant. */
function reviewNow(grant: GrantView, instruments: readonly LegalInstrument[], now: Date): GrantReview {
  return grantsNeedingReview([grant], instruments, now)[0]?.review ?? NO_REVIEW;
}

/** Resolvers of the admin API: each is one call to the steward operations, with the caller as the actor. */
const unguardedResolvers: {
  Query: Record<string, Resolver<never>>;
  Mutation: Record<string, Resolver<never>>;
  GrantTarget: Record<string, (target: GrantTarget) => unknown>;
  Grant: Record<string, (grant: GrantView, args: unknown, context: AdminContext) => unknown>;
  LegalInstrument: Record<string, (instrument: LegalInstrument, args: unknown, context: AdminContext) => unknown>;
  FieldDecision: Record<string, (field: FieldDecision, args: unknown, context: AdminContext) => unknown>;
  CatalogueField: Record<string, (field: CatalogueField<GrantView>, args: unknown, context: AdminContext) => unknown>;
  PolicyChange: Record<string, (change: PolicyChange) => unknown>;
  DecisionScope: Record<string, (scope: Decision['scope']) => unknown>;
  Agency: Record<string, (agency: Agency) => unknown>;
  SharingRequest: Record<string, (request: SharingRequestView, args: unknown, context: AdminContext) => unknown>;
} = {
  Query: {
    policyVersion: (_source, _args: Record<string, never>, { stewardship }) => stewardship.version(),
    agencies: (_source, _args: Record<string, never>, { stewardship }) => stewardship.listAgencies(),
    agency: (_source, args: { code: string }, { stewardship }) => stewardship.agency(args.code),
    apiKeys: (_source, args: { agencyCode?: string | null }, { stewardship }) => stewardship.listApiKeys(args.agencyCode ?? null),
    grants: (_source, args: { agencyCode?: string | null; includeRevoked?: boolean | null; approvalStatus?: string | null }, { stewardship }) =>
      stewardship.listGrants(args),
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
    auditCountsOverTime: (_source, args: { filter?: AuditFilterInput | null }, context) => trail(context).countsOverTime(args.filter ?? {}),
    auditVerification: (_source, _args: Record<string, never>, context) => trail(context).lastVerification(),
    me: (_source, _args: Record<string, never>, { caller }) =>
      caller.kind === 'PERSON' ? { account: caller.account, permittedFields: permittedFields(caller.account) } : null,
    accounts: (_source, _args: Record<string, never>, context) => accountsOf(context).list(),
    quotas: (_source, args: { agencyCode?: string | null }, context) => quotasOf(context).list(args.agencyCode ?? null),
    quotaDefaults: (_source, _args: Record<string, never>, context) => quotasOf(context).defaults(),
    sharingRequests: (_source, args: { status?: string | null; ownerCode?: string | null; requesterCode?: string | null }, context) =>
      desk(context).list({ ...args, status: args.status ? requestStatus(args.status) : null }, context.actor),
    sharingRequest: (_source, args: { id: string }, context) => desk(context).request(args.id, context.actor),
    sharingRequestImpact: (_source, args: ApprovalNarrowing & { id: string }, context) => desk(context).impact(args.id, args, context.actor),
    duplicateCollection: (_source, _args: Record<string, never>, context) => desk(context).duplicateCollection(),
    collectedFields: (_source, args: { agencyCode: string }, context) => desk(context).collectedFields(args.agencyCode),
    legalInstruments: (_source, _args: Record<string, never>, { loaders }) => loaders.instruments(),
    legalInstrument: (_source, args: { number: string }, { stewardship }) => stewardship.register.get(args.number),
    grantsNeedingReview: async (_source, _args: Record<string, never>, { stewardship, loaders }) =>
      grantsNeedingReview(await stewardship.listGrants(), await loaders.instruments(), stewardship.currentTime()),
    catalogue: async (_source, _args: Record<string, never>, { stewardship }) => {
      const { apiSchema, catalog } = stewardship.schemaDescription();
      return buildCatalogue(apiSchema, catalog, await stewardship.listGrants());
    },
  },

  Mutation: {
    createAgency: (_source, args: { input: AgencyInput }, { actor, stewardship }) => stewardship.createAgency(actor, args.input),
    updateAgency: (_source, args: { code: string; input: AgencyPatch }, { actor, stewardship }) => stewardship.updateAgency(actor, args.code, args.input),
    createApiKey: async (_source, args: { agencyCode: string; expiresAt?: string | null; label?: string | null }, { actor, stewardship }) =>
      issued(await stewardship.createApiKey(actor, args)),
    rotateApiKey: async (_source, args: { id: string; graceSeconds?: number | null; expiresAt?: string | null }, { actor, stewardship }) =>
      issued(await stewardship.rotateApiKey(actor, args)),
    revokeApiKey: (_source, args: { id: string }, { actor, stewardship }) => stewardship.revokeApiKey(actor, args.id),
    createGrant: (_source, args: { input: GrantInput }, { actor, stewardship }) => stewardship.createGrant(actor, args.input),
    revokeGrant: (_source, args: { id: string }, { actor, stewardship }) => stewardship.revokeGrant(actor, args.id),
    replaceGrant: (_source, args: { id: string; input: GrantInput; reason?: string | null }, { actor, stewardship }) =>
      stewardship.replaceGrant(actor, args.id, args.input, args.reason ?? null),
    createAccount: (_source, args: { input: AccountInput }, context) => accountsOf(context).create(context.actor, args.input),
    updateAccount: (_source, args: { id: number; input: AccountPatch }, context) => accountsOf(context).update(context.actor, args.id, args.input),
    disableAccount: (_source, args: { id: number }, context) => accountsOf(context).disable(context.actor, args.id),
    revokeSessions: (_source, args: { id: number }, context) => accountsOf(context).revokeSessions(context.actor, args.id),
    loadAdministrativeUnits: (_source, args: { units: UnitInput[] }, { actor, stewardship }) => stewardship.loadUnits(actor, args.units),
    setQuota: (_source, args: { input: QuotaInput }, context) => quotasOf(context).set(context.actor, args.input),
    clearQuota: (_source, args: { agencyCode: string; credentialId?: string | null }, context) =>
      quotasOf(context).clear(context.actor, args.agencyCode, args.credentialId ?? null),
    approveGrant: (_source, args: { id: string; reason?: string | null }, { actor, stewardship }) =>
      stewardship.decideGrant(actor, args.id, { approve: true, reason: args.reason ?? null }),
    rejectGrant: (_source, args: { id: string; reason: string }, { actor, stewardship }) =>
      stewardship.decideGrant(actor, args.id, { approve: false, reason: args.reason }),
    deactivateAgency: (_source, args: { code: string }, { actor, stewardship }) => stewardship.setAgencyActive(actor, args.code, false),
    reactivateAgency: (_source, args: { code: string }, { actor, stewardship }) => stewardship.setAgencyActive(actor, args.code, true),
    approveSharingRequest: (_source, args: ApprovalNarrowing & { id: string }, context) => desk(context).approve(context.actor, args.id, args),
    refuseSharingRequest: (_source, args: { id: string; ownerCode?: string | null; reason: string; legalBasis: string }, context) =>
      desk(context).refuse(context.actor, args.id, { reason: args.reason, legalBasis: args.legalBasis, ownerCode: args.ownerCode ?? null }),
    declareCollectedFields: (_source, args: { agencyCode: string; fields: string[] }, context) =>
      desk(context).declareCollectedFields(context.actor, args.agencyCode, args.fields),
    createLegalInstrument: (_source, args: { input: InstrumentInput }, { actor, stewardship }) => stewardship.register.create(actor, args.input),
    updateLegalInstrument: (_source, args: { number: string; input: InstrumentPatch }, { actor, stewardship }) =>
      stewardship.register.update(actor, args.number, args.input),
    markLegalInstrumentReplaced: (_source, args: { number: string; replacedBy: string[]; from?: string | null }, { actor, stewardship }) =>
      stewardship.register.markReplaced(actor, args.number, { replacedBy: args.replacedBy, from: args.from ?? null }),
    markLegalInstrumentAmended: (_source, args: { number: string; amendedBy: string[] }, { actor, stewardship }) =>
      stewardship.register.markAmended(actor, args.number, args.amendedBy),
    citeGrantLegalBasis: (_source, args: { id: string; legalInstruments: string[]; legalBasis?: string | null }, { actor, stewardship }) =>
      stewardship.citeLegalBasis(actor, args.id, { legalInstruments: args.legalInstruments, legalBasis: args.legalBasis ?? null }),
  },

  Grant: {
    approvalStatus: (grant) => grant.approval.status,
    requestedBy: (grant) => grant.approval.requestedBy,
    decidedBy: (grant) => grant.approval.decidedBy,
    decidedAt: (grant) => grant.approval.decidedAt,
    decisionReason: (grant) => grant.approval.reason,
    sharingRequestId: (grant) => grant.approval.sharingRequestId,
    replacesGrantId: (grant) => grant.approval.replacesGrantId,
    review: async (grant, _args, { stewardship, loaders }) => reviewNow(grant, await loaders.instruments(), stewardship.currentTime()),
  },

  Agency: {
    active: (agency) => !agency.deactivatedAt,
    deactivatedAt: (agency) => agency.deactivatedAt ?? null,
  },

  SharingRequest: {
    history: (request, _args, context) => desk(context).history(request.id),
    // The guard sets the actor for root fields only: the part is found from the caller, as the queue scope is.
    myPart: (request, _args, context) => {
      const agencyCode = context.caller.kind === 'PERSON' ? context.caller.account.agencyCode : null;
      return agencyCode === null ? null : (request.parts.find((part) => part.ownerCode === agencyCode) ?? null);
    },
  },

  LegalInstrument: {
    replaced: (instrument, _args, { stewardship }) => replacedBy(instrument, vietnamDay(stewardship.currentTime())),
  },

  FieldDecision: {
    grantNeedsReview: async (field, _args, { stewardship, loaders }) => {
      if (field.grantId === null) return null;
      const grant = (await loaders.grantsById()).get(field.grantId);
      return grant ? reviewNow(grant, await loaders.instruments(), stewardship.currentTime()).needsReview : null;
    },
  },

  CatalogueField: {
    sharing: (field) => field.classification.sharing,
    personal: (field) => field.classification.personal,
    importance: (field) => field.classification.importance,
    ownerAgency: async (field, _args, { stewardship }) => ownerAgency(field.owner, await stewardship.listAgencies()),
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
    relatedEntityId: (change) => change.relatedEntityId ?? null,
    before: (change) => json(change.before),
    after: (change) => json(change.after),
  },

  DecisionScope: { sectors: sectorScopes },
};

/**
 * The admin API's resolvers, each root field behind the role check of guard.ts, and each refusal, the guard's
 * included, answered with the HTTP status of its code (a 4xx, which the console shows; nothing was changed).
 */
export const adminResolvers = {
  ...unguardedResolvers,
  PreviewField: previewResolvers.PreviewField,
  AdministrativeUnit: unitResolvers.AdministrativeUnit,
  Query: answeredFields(
    guardRootResolvers<AdminContext>({
      ...unguardedResolvers.Query,
      ...operationResolvers.Query,
      ...previewResolvers.Query,
      ...notificationResolvers.Query,
      ...unitResolvers.Query,
    }),
  ),
  Mutation: answeredFields(
    guardRootResolvers<AdminContext>({ ...unguardedResolvers.Mutation, ...operationResolvers.Mutation, ...notificationResolvers.Mutation }),
  ),
};
