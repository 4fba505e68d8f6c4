import { errorCodes } from '../helpers/graphql';
import { TEST_ACTOR } from '../store/storeHelpers';
import type { ConsoleServer, ConsoleSession } from '../console/consoleHelpers';
import { startConsoleServer } from '../console/consoleHelpers';

/** Every change this part of the console makes: none may be made by a session's cookie without its CSRF token. */
const CHANGES: Record<string, string> = {
  approveGrant: 'mutation ($grant: ID!) { approveGrant(id: $grant) { id } }',
  rejectGrant: 'mutation ($grant: ID!) { rejectGrant(id: $grant, reason: "Không đủ căn cứ") { id } }',
  deactivateAgency: 'mutation { deactivateAgency(code: "H56.20") { code } }',
  reactivateAgency: 'mutation { reactivateAgency(code: "H56.20") { code } }',
  approveSharingRequest: 'mutation ($request: ID!) { approveSharingRequest(id: $request) { id } }',
  refuseSharingRequest: 'mutation ($request: ID!) { refuseSharingRequest(id: $request, reason: "Không", legalBasis: "13/2023/NĐ-CP") { id } }',
  declareCollectedFields: 'mutation { declareCollectedFields(agencyCode: "H56.20", fields: ["Citizen.fullName"]) }',
};

describe('CSRF on the changes of four eyes, deactivation and sharing requests', () => {
  let server: ConsoleServer;
  let session: ConsoleSession;
  let variables: Record<string, string>;

  beforeAll(async () => {
    server = await startConsoleServer();
    await server.store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    await server.store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population' });
    const requester = await server.store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.21', name: 'Chi nhánh', sector: 'land' });
    const owner = await server.createAccount(['POLICY_STEWARD']);
    session = await server.signIn(owner);
    const grant = await server.store.stewardship.createGrant(
      { kind: 'PERSON', accountId: 0, email: 'khac@test.gov.vn', name: 'Khác', role: 'POLICY_STEWARD', reason: 'r', via: 'cli:test', agencyCode: null },
      {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024',
        legalInstruments: ['47/2020/NĐ-CP'],
      },
    );
    const request = await server.sharing.file(
      requester,
      { kind: 'AGENCY', agencyCode: 'H56.21', credentialId: 'test' },
      {
        fields: ['Citizen.fullName'],
        purposes: ['LAND_REGISTRATION'],
        legalBasis: '47/2020/NĐ-CP',
        procedure: 'Cấp giấy chứng nhận',
      },
    );
    variables = { grant: grant.id, request: request.id };
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each(Object.keys(CHANGES))('refuses %s without the CSRF token, or with another, and changes nothing', async (field) => {
    const version = await server.store.stewardship.version();
    const query = CHANGES[field]!;
    const used = Object.fromEntries(Object.entries(variables).filter(([name]) => query.includes(`$${name}`)));
    for (const token of ['', 'a'.repeat(64)]) {
      const response = await server.admin(session, query, used, { 'x-csrf-token': token });
      expect({ field, status: response.status, codes: errorCodes(response) }).toEqual({ field, status: 403, codes: ['FORBIDDEN'] });
    }
    expect(await server.store.stewardship.version()).toBe(version);
    // With its token, the same change is admitted (so the refusal above was the token's); it may then be a conflict
    // with an earlier change of this suite (rejecting the grant approved before: 409 CONFLICT), never FORBIDDEN.
    const response = await server.admin(session, query, used);
    expect({ field, admitted: [200, 409].includes(response.status), forbidden: errorCodes(response).includes('FORBIDDEN') }).toEqual({
      field,
      admitted: true,
      forbidden: false,
    });
  });
});
