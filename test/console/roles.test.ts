import { FIELD_ROLES, roleFor } from '../../gateway/console/permissions';
import { STEWARD_ROLES } from '../../gateway/store/accountTypes';
import type { StewardRole } from '../../gateway/store/accountTypes';
import { TEST_ACTOR } from '../store/storeHelpers';
import { errorCodes } from '../helpers/graphql';
import type { ConsoleServer, ConsoleSession } from './consoleHelpers';
import { startConsoleServer } from './consoleHelpers';

/** One operation per root field of the admin API, so that every boundary is crossed over HTTP. */
const OPERATIONS: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  'Query.me': { query: '{ me { account { email } } }' },
  'Query.policyVersion': { query: '{ policyVersion }' },
  'Query.agencies': { query: '{ agencies { code } }' },
  'Query.agency': { query: '{ agency(code: "H56.20") { code } }' },
  'Query.apiKeys': { query: '{ apiKeys { id } }' },
  'Query.grants': { query: '{ grants { id } }' },
  'Query.grant': { query: '{ grant(id: "1") { id } }' },
  'Query.explain': { query: '{ explain(agencyCode: "H56.20", purpose: "LAND_REGISTRATION", query: "{ __typename }") { allowed } }' },
  'Query.policyChanges': { query: '{ policyChanges { id } }' },
  'Query.auditRecords': { query: '{ auditRecords { nodes { at } } }' },
  'Query.auditCountsByAgency': { query: '{ auditCountsByAgency { requests } }' },
  'Query.auditCountsByField': { query: '{ auditCountsByField { coordinate } }' },
  'Query.auditExport': { query: '{ auditExport }' },
  'Query.citizenNotifications': { query: '{ citizenNotifications { id } }' },
  'Mutation.acknowledgeCitizenNotifications': { query: 'mutation { acknowledgeCitizenNotifications(ids: []) }' },
  'Query.auditCountsOverTime': { query: '{ auditCountsOverTime { bucket buckets } }' },
  'Query.auditVerification': { query: '{ auditVerification { warnings } }' },
  'Query.accounts': { query: '{ accounts { id } }' },
  'Query.quotas': { query: '{ quotas { agencyCode } }' },
  'Query.quotaDefaults': { query: '{ quotaDefaults { requestsPerMinute } }' },
  'Mutation.createAgency': { query: 'mutation { createAgency(input: { code: "H56.31", name: "Sở thử" }) { code } }' },
  'Mutation.updateAgency': { query: 'mutation { updateAgency(code: "H56.20", input: { name: "Văn phòng Đăng ký đất đai" }) { code } }' },
  'Mutation.createGrant': {
    query: 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
    variables: {
      input: {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024',
        legalInstruments: ['31/2024/QH15'],
      },
    },
  },
  'Mutation.revokeGrant': { query: 'mutation { revokeGrant(id: "999") { id } }' },
  'Mutation.replaceGrant': {
    query: 'mutation ($input: CreateGrantInput!) { replaceGrant(id: "999", input: $input) { replacement { id } } }',
    variables: {
      input: {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate: 'Citizen.sex' },
        purposes: ['LAND_REGISTRATION'],
        legalInstruments: ['31/2024/QH15'],
      },
    },
  },
  'Mutation.loadAdministrativeUnits': { query: 'mutation { loadAdministrativeUnits(units: []) { units } }' },
  'Mutation.createApiKey': { query: 'mutation { createApiKey(agencyCode: "H56.20") { key } }' },
  'Mutation.rotateApiKey': { query: 'mutation { rotateApiKey(id: "zzzzzzzz") { key } }' },
  'Mutation.revokeApiKey': { query: 'mutation { revokeApiKey(id: "zzzzzzzz") { id } }' },
  'Mutation.createAccount': {
    query: 'mutation { createAccount(input: { email: "moi@test.gov.vn", name: "Người mới", unit: "Phòng", roles: [] }) { account { id } } }',
  },
  'Mutation.updateAccount': { query: 'mutation { updateAccount(id: 999, input: { name: "X" }) { id } }' },
  'Mutation.disableAccount': { query: 'mutation { disableAccount(id: 999) { id } }' },
  'Mutation.revokeSessions': { query: 'mutation { revokeSessions(id: 999) }' },
  'Mutation.setQuota': { query: 'mutation { setQuota(input: { agencyCode: "H56.20", requestsPerMinute: 100 }) { agencyCode } }' },
  'Mutation.clearQuota': { query: 'mutation { clearQuota(agencyCode: "H56.20") { agencyCode } }' },
  'Query.operationLists': { query: '{ operationLists { version } }' },
  'Query.registeredOperations': { query: '{ registeredOperations(agencyCode: "H56.20", application: "web") { id } }' },
  'Query.operationsMode': { query: '{ operationsMode(agencyCode: "H56.20") }' },
  'Query.operationPlan': { query: '{ operationPlan(agencyCode: "H56.20") { id } }' },
  'Query.operationImpact': { query: '{ operationImpact { id } }' },
  'Query.grantPreview': {
    query: 'query ($input: CreateGrantInput!) { grantPreview(input: $input) { fields { coordinate } } }',
    variables: {
      input: {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
        purposes: ['LAND_REGISTRATION'],
        legalInstruments: ['31/2024/QH15'],
      },
    },
  },
  'Query.grantReplay': { query: '{ grantReplay(agencyCode: "H56.20", revokeGrantIds: ["999"]) { replayed } }' },
  'Mutation.registerOperations': { query: 'mutation { registerOperations(agencyCode: "H56.20", application: "web", manifest: "{}") { list { version } } }' },
  'Mutation.setOperationsMode': { query: 'mutation { setOperationsMode(agencyCode: "H56.20", mode: "off") { mode } }' },
  'Query.sharingRequests': { query: '{ sharingRequests { id } }' },
  'Query.sharingRequest': { query: '{ sharingRequest(id: "999") { id } }' },
  'Query.sharingRequestImpact': { query: '{ sharingRequestImpact(id: "999") { coordinate } }' },
  'Query.duplicateCollection': { query: '{ duplicateCollection { coordinate } }' },
  'Query.collectedFields': { query: '{ collectedFields(agencyCode: "H56.20") }' },
  'Mutation.approveGrant': { query: 'mutation { approveGrant(id: "999") { id } }' },
  'Mutation.rejectGrant': { query: 'mutation { rejectGrant(id: "999", reason: "Không đủ căn cứ") { id } }' },
  'Mutation.deactivateAgency': { query: 'mutation { deactivateAgency(code: "H56.99") { code } }' },
  'Mutation.reactivateAgency': { query: 'mutation { reactivateAgency(code: "H56.99") { code } }' },
  'Mutation.approveSharingRequest': { query: 'mutation { approveSharingRequest(id: "999") { id } }' },
  'Mutation.refuseSharingRequest': { query: 'mutation { refuseSharingRequest(id: "999", reason: "Dữ liệu nhạy cảm", legalBasis: "13/2023/NĐ-CP") { id } }' },
  'Mutation.declareCollectedFields': { query: 'mutation { declareCollectedFields(agencyCode: "H56.99", fields: []) }' },
  'Query.legalInstruments': { query: '{ legalInstruments { number } }' },
  'Query.legalInstrument': { query: '{ legalInstrument(number: "13/2023/NĐ-CP") { number replaced } }' },
  'Query.grantsNeedingReview': { query: '{ grantsNeedingReview { grant { id } } }' },
  'Query.catalogue': { query: '{ catalogue { name } }' },
  'Query.administrativeUnits': { query: '{ administrativeUnits(search: "hac thanh") { total units { code status } } }' },
  'Mutation.createLegalInstrument': {
    query:
      'mutation { createLegalInstrument(input: { number: "12/2026/QĐ-UBND", title: "Quy chế chia sẻ dữ liệu", type: "DECISION", issuer: "UBND tỉnh Thanh Hóa", effectiveFrom: "2026-04-01" }) { number } }',
  },
  'Mutation.updateLegalInstrument': { query: 'mutation { updateLegalInstrument(number: "99/2099/NĐ-CP", input: { title: "X" }) { number } }' },
  'Mutation.markLegalInstrumentReplaced': {
    query: 'mutation { markLegalInstrumentReplaced(number: "99/2099/NĐ-CP", replacedBy: ["91/2025/QH15"]) { number } }',
  },
  'Mutation.markLegalInstrumentAmended': {
    query: 'mutation { markLegalInstrumentAmended(number: "99/2099/NĐ-CP", amendedBy: ["194/2025/NĐ-CP"]) { number } }',
  },
  'Mutation.citeGrantLegalBasis': { query: 'mutation { citeGrantLegalBasis(id: "999", legalInstruments: ["47/2020/NĐ-CP"]) { id } }' },
};

describe('console roles', () => {
  let server: ConsoleServer;
  const sessions = new Map<string, ConsoleSession>();

  beforeAll(async () => {
    server = await startConsoleServer();
    await server.store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    for (const roles of [...STEWARD_ROLES.map((role) => [role]), []] as StewardRole[][]) {
      sessions.set(roles.join() || 'none', await server.signIn(await server.createAccount(roles)));
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('has an operation for every root field of the admin API, and a rule for each', async () => {
    const schema = await server.admin(sessions.get('ADMINISTRATOR')!, '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }');
    const root = schema.data!.__schema as { queryType: { fields: Array<{ name: string }> }; mutationType: { fields: Array<{ name: string }> } };
    const coordinates = [...root.queryType.fields.map(({ name }) => `Query.${name}`), ...root.mutationType.fields.map(({ name }) => `Mutation.${name}`)].sort();
    expect(Object.keys(OPERATIONS).sort()).toEqual(coordinates);
    expect(Object.keys(FIELD_ROLES).sort()).toEqual(coordinates);
  });

  it.each([...STEWARD_ROLES, 'none'])('lets %s use exactly the fields its role admits, and refuses the others with 403 FORBIDDEN', async (role) => {
    const session = sessions.get(role)!;
    const account = { roles: role === 'none' ? [] : [role as StewardRole] };
    for (const [coordinate, operation] of Object.entries(OPERATIONS)) {
      const response = await server.admin(session, operation.query, operation.variables);
      const codes = errorCodes(response);
      if (roleFor(account, coordinate) === null) {
        // A nullable field answers null beside its error: nothing of it is read or changed.
        const values = Object.values(response.data ?? {});
        expect({ coordinate, codes, status: response.status, values }).toEqual({
          coordinate,
          codes: ['FORBIDDEN'],
          status: 403,
          values: values.length ? [null] : [],
        });
      } else {
        expect({ coordinate, forbidden: codes.includes('FORBIDDEN') }).toEqual({ coordinate, forbidden: false });
      }
    }
  });

  it('keeps the auditor read-only and away from the policy, and gives an account without a role nothing but itself', () => {
    const auditor = Object.keys(FIELD_ROLES).filter((coordinate) => roleFor({ roles: ['AUDITOR'] }, coordinate) !== null);
    expect(auditor.every((coordinate) => coordinate.startsWith('Query.'))).toBe(true);
    expect(auditor).not.toContain('Query.grants');
    // The register is read by every role and changed by policy stewards only.
    const registerChanges = Object.keys(FIELD_ROLES).filter((coordinate) => /^Mutation\.\w*LegalInstrument/.test(coordinate));
    expect(registerChanges).toHaveLength(4);
    for (const role of STEWARD_ROLES) {
      expect(roleFor({ roles: [role] }, 'Query.legalInstruments')).toBe(role);
      for (const coordinate of [...registerChanges, 'Mutation.citeGrantLegalBasis'])
        expect({ role, coordinate, may: roleFor({ roles: [role] }, coordinate) !== null }).toEqual({ role, coordinate, may: role === 'POLICY_STEWARD' });
    }
    expect(Object.keys(FIELD_ROLES).filter((coordinate) => roleFor({ roles: [] }, coordinate) !== null)).toEqual(['Query.me']);
  });

  it('refuses a change without its reason, and records the person, the role and the reason of one with it', async () => {
    const session = sessions.get('POLICY_STEWARD')!;
    const withoutReason = await server.admin(
      session,
      'mutation { createAgency(input: { code: "H56.32", name: "Sở không lý do" }) { code } }',
      {},
      { 'x-change-reason': '' },
    );
    expect(errorCodes(withoutReason)).toEqual(['BAD_USER_INPUT']);
    const malformed = await server.admin(
      session,
      'mutation { createAgency(input: { code: "H56.32", name: "Sở" }) { code } }',
      {},
      { 'x-change-reason': '%E0%A4%A' },
    );
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(await server.store.stewardship.agency('H56.32')).toBeNull();
    const reason = 'Phiếu yêu cầu số 12/2026 của Sở Y tế';
    const created = await server.admin(
      session,
      'mutation { createAgency(input: { code: "H56.33", name: "Sở có lý do" }) { code } }',
      {},
      { 'x-change-reason': encodeURIComponent(reason) },
    );
    expect(created.data).toEqual({ createAgency: { code: 'H56.33' } });
    const history = await server.admin(
      sessions.get('AUDITOR')!,
      '{ policyChanges(entityType: "AGENCY", entityId: "H56.33") { actor actorRole reason credentialId action } }',
    );
    const account = await server.accounts.list();
    const steward = account.find((candidate) => candidate.roles.join() === 'POLICY_STEWARD')!;
    expect(history.data).toEqual({
      policyChanges: [
        {
          actor: `person:${steward.email}`,
          actorRole: 'POLICY_STEWARD',
          reason,
          credentialId: expect.stringMatching(/^session:[0-9a-f]{12}$/),
          action: 'CREATE_AGENCY',
        },
      ],
    });
  });

  it("keeps account management from an agency's API key, steward or not", async () => {
    await server.store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh', steward: true });
    const { key } = await server.store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.10' });
    for (const coordinate of ['Query.accounts', 'Mutation.createAccount', 'Mutation.disableAccount', 'Mutation.approveGrant', 'Mutation.rejectGrant']) {
      const response = await fetch(server.adminUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: OPERATIONS[coordinate]!.query }),
      });
      expect({ coordinate, codes: errorCodes({ status: response.status, ...((await response.json()) as object) }) }).toEqual({
        coordinate,
        codes: ['FORBIDDEN'],
      });
    }
  });
});
