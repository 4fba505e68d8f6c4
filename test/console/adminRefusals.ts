/** The refused calls of /admin that refusals.test.ts sends, one or more per root field. */

/** Who sends a refused call: a steward with every role, a steward of another agency's queue, or a steward agency's key. */
export type Caller = 'steward' | 'outsider' | 'key';

/** One refused call of a root field: what is wrong, the operation, its variables, the status and code it answers. */
export interface Refusal {
  field: string;
  what: string;
  query: string;
  variables?: Record<string, unknown>;
  status: number;
  code: string;
  caller?: Caller;
}

export const grant = (extra: Record<string, unknown> = {}) => ({
  agencyCode: 'H56.20',
  target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
  purposes: ['LAND_REGISTRATION'],
  legalInstruments: ['31/2024/QH15'],
  ...extra,
});
const instrument = { number: '31/2024/QH15', title: 'Luật Đất đai', type: 'LAW', issuer: 'Quốc hội', effectiveFrom: '2024-08-01' };

/** Ids the refusals name, found once the world is set up (an unknown one where the refusal is about that). */
export const ids = { ownSensitiveGrant: '', fullNameGrant: '', sharingRequest: '', ownAccount: 0 };

/** For every mutation of /admin, one call that must be refused; the test below fails for a mutation not listed here. */
export const MUTATIONS = (): Refusal[] => [
  {
    field: 'createAgency',
    what: 'a malformed agency code',
    query: 'mutation { createAgency(input: { code: "hà nội", name: "X" }) { code } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'createAgency',
    what: 'an agency that exists',
    query: 'mutation { createAgency(input: { code: "H56.20", name: "X" }) { code } }',
    status: 409,
    code: 'CONFLICT',
  },
  {
    field: 'updateAgency',
    what: 'an unknown agency',
    query: 'mutation { updateAgency(code: "H56.99", input: { name: "X" }) { code } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  { field: 'createApiKey', what: 'an unknown agency', query: 'mutation { createApiKey(agencyCode: "H56.99") { key } }', status: 404, code: 'NOT_FOUND' },
  {
    field: 'rotateApiKey',
    what: 'an unknown key',
    query: 'mutation { rotateApiKey(id: "nokey000") { key } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  { field: 'revokeApiKey', what: 'an unknown key', query: 'mutation { revokeApiKey(id: "nokey000") { id } }', status: 404, code: 'NOT_FOUND' },
  {
    field: 'createGrant',
    what: 'a legal basis the register does not hold',
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: { input: grant({ legalInstruments: ['99/2099/NĐ-CP'] }) },
    status: 400,
    code: 'LEGAL_BASIS_NOT_IN_REGISTER',
  },
  {
    field: 'createGrant',
    what: 'a replaced legal basis',
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: { input: grant({ legalInstruments: ['13/2023/NĐ-CP'] }) },
    status: 400,
    code: 'LEGAL_BASIS_REPLACED',
  },
  {
    field: 'createGrant',
    what: 'an unknown agency',
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: { input: grant({ agencyCode: 'H56.99' }) },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'createGrant',
    what: 'an overlap with a grant in force',
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: { input: grant() },
    status: 409,
    code: 'CONFLICT',
  },
  {
    field: 'createGrant',
    what: 'an unknown purpose',
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: { input: grant({ purposes: ['MARKETING'] }) },
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { field: 'revokeGrant', what: 'an unknown grant', query: 'mutation { revokeGrant(id: "999999") { id } }', status: 404, code: 'NOT_FOUND' },
  {
    field: 'replaceGrant',
    what: 'an unknown grant',
    query: 'mutation ($input: CreateGrantInput!) { replaceGrant(id: "999999", input: $input) { replaced { id } } }',
    variables: { input: grant() },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'createAccount',
    what: 'a malformed e-mail',
    query: 'mutation { createAccount(input: { email: "không phải thư", name: "A", unit: "B", roles: ["AUDITOR"] }) { password } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'updateAccount',
    what: 'an unknown account',
    query: 'mutation { updateAccount(id: 99999, input: { name: "A" }) { id } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'disableAccount',
    what: "the administrator's own account",
    query: 'mutation ($id: Int!) { disableAccount(id: $id) { id } }',
    variables: { id: ids.ownAccount },
    status: 403,
    code: 'FORBIDDEN',
  },
  { field: 'revokeSessions', what: 'an unknown account', query: 'mutation { revokeSessions(id: 99999) }', status: 404, code: 'NOT_FOUND' },
  {
    field: 'loadAdministrativeUnits',
    what: 'an empty list',
    query: 'mutation { loadAdministrativeUnits(units: []) { units } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'setQuota',
    what: 'an unknown agency',
    query: 'mutation { setQuota(input: { agencyCode: "H56.99", requestsPerMinute: 10 }) { agencyCode } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'clearQuota',
    what: 'a quota never set',
    query: 'mutation { clearQuota(agencyCode: "H56.20") { agencyCode } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'approveGrant',
    what: 'a grant on sensitive data the steward asked for',
    query: 'mutation ($id: ID!) { approveGrant(id: $id) { id } }',
    variables: { id: ids.ownSensitiveGrant },
    status: 403,
    code: 'FOUR_EYES_REQUIRED',
  },
  {
    field: 'approveGrant',
    what: 'a grant in force, which waits for no approval',
    query: 'mutation ($id: ID!) { approveGrant(id: $id) { id } }',
    variables: { id: ids.fullNameGrant },
    status: 409,
    code: 'CONFLICT',
  },
  {
    field: 'rejectGrant',
    what: 'an unknown grant',
    query: 'mutation { rejectGrant(id: "999999", reason: "Không đủ căn cứ") { id } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  { field: 'deactivateAgency', what: 'an unknown agency', query: 'mutation { deactivateAgency(code: "H56.99") { code } }', status: 404, code: 'NOT_FOUND' },
  {
    field: 'reactivateAgency',
    what: 'an agency that is active',
    query: 'mutation { reactivateAgency(code: "H56.20") { code } }',
    status: 409,
    code: 'CONFLICT',
  },
  {
    field: 'approveSharingRequest',
    what: 'an unknown request',
    query: 'mutation { approveSharingRequest(id: "999999") { id } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'approveSharingRequest',
    what: "a request routed to another agency's queue",
    query: 'mutation ($id: ID!) { approveSharingRequest(id: $id) { id } }',
    variables: { id: ids.sharingRequest },
    status: 403,
    code: 'OUTSIDE_STEWARD_QUEUE',
    caller: 'outsider',
  },
  {
    field: 'refuseSharingRequest',
    what: 'a malformed legal basis',
    query: 'mutation ($id: ID!) { refuseSharingRequest(id: $id, reason: "Không phục vụ thủ tục", legalBasis: "Luật") { id } }',
    variables: { id: ids.sharingRequest },
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'declareCollectedFields',
    what: 'an unknown field',
    query: 'mutation { declareCollectedFields(agencyCode: "H56.20", fields: ["Citizen.salary"]) }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'createLegalInstrument',
    what: 'an instrument the register holds',
    query: 'mutation ($input: CreateLegalInstrumentInput!) { createLegalInstrument(input: $input) { number } }',
    variables: { input: instrument },
    status: 409,
    code: 'CONFLICT',
  },
  {
    field: 'updateLegalInstrument',
    what: 'an instrument the register does not hold',
    query: 'mutation { updateLegalInstrument(number: "98/2098/NĐ-CP", input: { title: "X" }) { number } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'markLegalInstrumentReplaced',
    what: 'a successor the register does not hold',
    query: 'mutation { markLegalInstrumentReplaced(number: "31/2024/QH15", replacedBy: ["99/2099/QH15"]) { number } }',
    status: 400,
    code: 'LEGAL_BASIS_NOT_IN_REGISTER',
  },
  {
    field: 'markLegalInstrumentAmended',
    what: 'an instrument amending itself',
    query: 'mutation { markLegalInstrumentAmended(number: "31/2024/QH15", amendedBy: ["31/2024/QH15"]) { number } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'citeGrantLegalBasis',
    what: 'an unknown grant',
    query: 'mutation { citeGrantLegalBasis(id: "999999", legalInstruments: ["31/2024/QH15"]) { id } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'registerOperations',
    what: 'a file that is not JSON',
    query: 'mutation { registerOperations(agencyCode: "H56.20", application: "mot-cua", manifest: "{") { plans { id } } }',
    status: 400,
    code: 'OPERATION_MANIFEST_INVALID',
  },
  {
    field: 'setOperationsMode',
    what: 'an unknown mode',
    query: 'mutation { setOperationsMode(agencyCode: "H56.20", mode: "sometimes") { mode } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'acknowledgeCitizenNotifications',
    what: 'a malformed notification id',
    query: 'mutation { acknowledgeCitizenNotifications(ids: ["không-phải-mã"]) }',
    status: 400,
    code: 'BAD_USER_INPUT',
    caller: 'key',
  },
];
