import type { StewardAccount, StewardRole } from '../store/accountTypes';
import { STEWARD_ROLES } from '../store/accountTypes';

/** Any signed-in account, with or without a role: what it may ask about itself. */
export const ANY_ACCOUNT = 'ANY_ACCOUNT';

/**
 * For each root field of the admin API, the roles that may use it; a field missing here is refused to every
 * person (fail closed). The audit trail is the auditors' alone, read-only; the accounts the administrators'.
 */
export const FIELD_ROLES: Readonly<Record<string, readonly StewardRole[] | typeof ANY_ACCOUNT>> = {
  'Query.me': ANY_ACCOUNT,
  'Query.policyVersion': STEWARD_ROLES,
  'Query.agencies': ['POLICY_STEWARD', 'KEY_OFFICER'],
  'Query.agency': ['POLICY_STEWARD', 'KEY_OFFICER'],
  'Query.apiKeys': ['KEY_OFFICER'],
  'Query.grants': ['POLICY_STEWARD'],
  'Query.grant': ['POLICY_STEWARD'],
  'Query.explain': ['POLICY_STEWARD'],
  'Query.policyChanges': ['POLICY_STEWARD', 'AUDITOR', 'ADMINISTRATOR'],
  'Query.auditRecords': ['AUDITOR'],
  'Query.auditCountsByAgency': ['AUDITOR'],
  'Query.auditCountsByField': ['AUDITOR'],
  'Query.auditExport': ['AUDITOR'],
  'Query.auditCountsOverTime': ['AUDITOR'],
  'Query.auditVerification': ['AUDITOR'],
  'Query.accounts': ['ADMINISTRATOR'],
  'Query.quotas': ['POLICY_STEWARD', 'KEY_OFFICER'],
  'Query.quotaDefaults': ['POLICY_STEWARD', 'KEY_OFFICER'],
  'Query.operationLists': ['POLICY_STEWARD'],
  'Query.registeredOperations': ['POLICY_STEWARD'],
  'Query.operationsMode': ['POLICY_STEWARD'],
  'Query.operationPlan': ['POLICY_STEWARD'],
  'Query.operationImpact': ['POLICY_STEWARD'],
  // Who grants sees, before saving, what a grant opens and how the agency's recent requests would fare: no citizen is named.
  'Query.grantPreview': ['POLICY_STEWARD'],
  'Query.grantReplay': ['POLICY_STEWARD'],
  'Mutation.registerOperations': ['POLICY_STEWARD'],
  'Mutation.setOperationsMode': ['POLICY_STEWARD'],
  // The law is public: every role reads the register; only policy stewards, who grant on it, change it.
  'Query.legalInstruments': STEWARD_ROLES,
  'Query.legalInstrument': STEWARD_ROLES,
  'Query.grantsNeedingReview': ['POLICY_STEWARD', 'AUDITOR'],
  'Query.catalogue': ['POLICY_STEWARD', 'AUDITOR'],
  'Mutation.createLegalInstrument': ['POLICY_STEWARD'],
  'Mutation.updateLegalInstrument': ['POLICY_STEWARD'],
  'Mutation.markLegalInstrumentReplaced': ['POLICY_STEWARD'],
  'Mutation.markLegalInstrumentAmended': ['POLICY_STEWARD'],
  'Mutation.citeGrantLegalBasis': ['POLICY_STEWARD'],
  'Mutation.createAgency': ['POLICY_STEWARD'],
  'Mutation.updateAgency': ['POLICY_STEWARD'],
  'Mutation.createGrant': ['POLICY_STEWARD'],
  'Mutation.revokeGrant': ['POLICY_STEWARD'],
  'Mutation.replaceGrant': ['POLICY_STEWARD'],
  'Mutation.loadAdministrativeUnits': ['POLICY_STEWARD'],
  // The row-scope picker of grants and of sharing approvals: those who grant, and auditors who read what was granted.
  'Query.administrativeUnits': ['POLICY_STEWARD', 'AUDITOR'],
  'Mutation.setQuota': ['POLICY_STEWARD'],
  'Mutation.clearQuota': ['POLICY_STEWARD'],
  'Mutation.createApiKey': ['KEY_OFFICER'],
  'Mutation.rotateApiKey': ['KEY_OFFICER'],
  'Mutation.revokeApiKey': ['KEY_OFFICER'],
  'Mutation.createAccount': ['ADMINISTRATOR'],
  'Mutation.updateAccount': ['ADMINISTRATOR'],
  'Mutation.disableAccount': ['ADMINISTRATOR'],
  'Mutation.revokeSessions': ['ADMINISTRATOR'],
  'Query.sharingRequests': ['POLICY_STEWARD', 'AUDITOR'],
  'Query.sharingRequest': ['POLICY_STEWARD', 'AUDITOR'],
  'Query.sharingRequestImpact': ['POLICY_STEWARD'],
  'Query.duplicateCollection': ['POLICY_STEWARD', 'AUDITOR'],
  'Query.collectedFields': ['POLICY_STEWARD', 'AUDITOR'],
  'Mutation.approveGrant': ['POLICY_STEWARD'],
  'Mutation.rejectGrant': ['POLICY_STEWARD'],
  'Mutation.deactivateAgency': ['POLICY_STEWARD'],
  'Mutation.reactivateAgency': ['POLICY_STEWARD'],
  'Mutation.approveSharingRequest': ['POLICY_STEWARD'],
  'Mutation.refuseSharingRequest': ['POLICY_STEWARD'],
  'Mutation.declareCollectedFields': ['POLICY_STEWARD'],
  // A notification service reads and acknowledges the outbox with a steward agency's key; an auditor may look at it,
  // and no person acknowledges for the service.
  'Query.citizenNotifications': ['AUDITOR'],
  'Mutation.acknowledgeCitizenNotifications': [],
};

/** What a steward agency's API key may not do: accounts are managed by persons only, and four eyes are two persons' eyes. */
const PERSONS_ONLY = new Set([
  'Mutation.approveGrant',
  'Mutation.rejectGrant',
  'Query.me',
  'Query.accounts',
  'Mutation.createAccount',
  'Mutation.updateAccount',
  'Mutation.disableAccount',
  'Mutation.revokeSessions',
]);

/** Given a root field of the admin API, tells whether a steward agency's API key may use it. */
export function agencyKeyMay(coordinate: string): boolean {
  return coordinate in FIELD_ROLES && !PERSONS_ONLY.has(coordinate);
}

/**
 * Given an account and a root field, returns the role it acts in (the first of the field's roles it holds, in
 * the canonical order), "ANY_ACCOUNT" for a field any account may use, or null when the account may not use it.
 */
export function roleFor(account: Pick<StewardAccount, 'roles'>, coordinate: string): StewardRole | typeof ANY_ACCOUNT | null {
  const allowed = FIELD_ROLES[coordinate];
  if (allowed === undefined) return null;
  if (allowed === ANY_ACCOUNT) return ANY_ACCOUNT;
  return allowed.find((role) => account.roles.includes(role)) ?? null;
}

/** Given an account, returns the admin API's root fields it may use: what the console shows it. */
export function permittedFields(account: Pick<StewardAccount, 'roles'>): string[] {
  return Object.keys(FIELD_ROLES).filter((coordinate) => roleFor(account, coordinate) !== null);
}

/** Who answers citizens' requests (contested accesses, copies, corrections, restrictions, complaints) in the console. */
export const CITIZEN_REQUEST_ROLES: readonly StewardRole[] = ['AUDITOR', 'POLICY_STEWARD'];

/** Given an account, returns the role it answers citizens' requests in, or null when it may not. */
export function citizenRequestRoleOf(account: Pick<StewardAccount, 'roles'>): StewardRole | null {
  return CITIZEN_REQUEST_ROLES.find((role) => account.roles.includes(role)) ?? null;
}
