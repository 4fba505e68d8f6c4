import { errorCodes } from '../helpers/graphql';
import type { Steward, SharingWorld } from './sharingPlatform';
import { startSharingWorld } from './sharingPlatform';

const FILE = `mutation ($input: SharingRequestInput!) {
  fileSharingRequest(input: $input) { id status ownerCodes deadlineAt workingDaysLeft overdue }
}`;
const MINE = '{ mySharingRequests { id status grantedFields grantIds parts { ownerCode status refusalReason refusalLegalBasis grantedFields } } }';
const APPROVE = `mutation ($id: ID!, $fields: [String!], $purposes: [String!]) {
  approveSharingRequest(id: $id, fields: $fields, purposes: $purposes) { status parts { answer { fields purposes grantIds } } }
}`;
const REFUSE = `mutation ($id: ID!, $reason: String!, $legalBasis: String!) {
  refuseSharingRequest(id: $id, reason: $reason, legalBasis: $legalBasis) { status parts { refusalReason refusalLegalBasis } }
}`;

const request = (overrides: Record<string, unknown> = {}) => ({
  input: {
    fields: ['Citizen.healthInsurance', 'HealthInsuranceCard.socialInsuranceNumber', 'HealthInsuranceCard.validTo'],
    purposes: ['LAND_REGISTRATION', 'PUBLIC_SERVICE'],
    legalBasis: '47/2020/NĐ-CP',
    procedure: 'Đăng ký biến động đất đai',
    ...overrides,
  },
});

describe('sharing requests', () => {
  let world: SharingWorld;
  let steward: Steward;
  let landKey: string;

  beforeAll(async () => {
    world = await startSharingWorld();
    steward = await world.steward(['POLICY_STEWARD']);
    landKey = world.seeded.demoKeys.get('H56.20')!;
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
  });

  it.each([
    ['an instrument the legal register does not hold', '99/2099/NĐ-CP', 'LEGAL_BASIS_NOT_IN_REGISTER'],
    ['an instrument replaced already (Decree 13/2023, replaced on 1 January 2026)', '13/2023/NĐ-CP', 'LEGAL_BASIS_REPLACED'],
  ])('refuses a request relying on %s, and files nothing', async (_what, legalBasis, code) => {
    const response = await world.graphql(landKey, null, FILE, request({ legalBasis }));
    expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: 400, codes: [code] });
    expect((await world.graphql(landKey, null, MINE)).data?.mySharingRequests).toEqual([]);
  });

  it.each([
    ['a malformed instrument number', { legalBasis: 'Luật Đất đai' }],
    ['an unknown field', { fields: ['Citizen.salary'] }],
    ["the agency's own sector", { fields: ['LandParcel.areaSquareMeters'] }],
    ['internal data', { fields: ['Encounter.diagnosisCode'] }],
    ['open data', { fields: ['School.name'] }],
    ['an unknown purpose', { purposes: ['MARKETING'] }],
    ['no procedure', { procedure: ' ' }],
    ['a malformed commune', { scopeUnitCodes: ['4077'] }],
  ])('refuses a request with %s (BAD_USER_INPUT) and files nothing', async (_what, overrides) => {
    const response = await world.graphql(landKey, null, FILE, request(overrides));
    expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect((await world.graphql(landKey, null, MINE)).data?.mySharingRequests).toEqual([]);
  });

  it('refuses filing without a credential', async () => {
    const response = await fetch(world.seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: FILE, variables: request() }),
    });
    expect(response.status).toBe(403);
  });

  it("routes a request to the data's owners with a deadline of 2 working days; an approval, narrowed, opens the requester's next query", async () => {
    const filed = await world.graphql(landKey, null, FILE, request());
    expect(errorCodes(filed)).toEqual([]);
    const { id, ...rest } = filed.data!.fileSharingRequest;
    expect(rest).toMatchObject({ status: 'PENDING', ownerCodes: ['H56.15.01'], overdue: false });
    expect(rest.workingDaysLeft).toBeGreaterThanOrEqual(1);
    const queue = await world.admin(steward, '{ sharingRequests(ownerCode: "H56.15.01", status: "PENDING") { id requesterCode procedure } }');
    expect(queue.data?.sharingRequests).toEqual([{ id, requesterCode: 'H56.20', procedure: 'Đăng ký biến động đất đai' }]);
    const elsewhere = await world.admin(steward, '{ sharingRequests(ownerCode: "H56.01") { id } }');
    expect(elsewhere.data?.sharingRequests).toEqual([]);

    const query = '{ citizen(nationalId: "' + world.nationalId + '") { healthInsurance { validTo } } }';
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual(['FORBIDDEN']);
    const impact = await world.admin(
      steward,
      '{ sharingRequestImpact(id: "' +
        id +
        '", fields: ["Citizen.healthInsurance", "HealthInsuranceCard.validTo"]) { coordinate needsSecondSteward purposes } }',
    );
    expect(impact.data?.sharingRequestImpact).toEqual(
      ['Citizen.healthInsurance', 'HealthInsuranceCard.validTo'].map((coordinate) => ({
        coordinate,
        needsSecondSteward: false,
        purposes: ['LAND_REGISTRATION', 'PUBLIC_SERVICE'],
      })),
    );
    // An answer may give less than asked, never more.
    expect(errorCodes(await world.admin(steward, APPROVE, { id, fields: ['Citizen.ethnicity'] }))).toEqual(['BAD_USER_INPUT']);
    // Key officers and auditors do not answer; nor does a session without its CSRF token.
    for (const roles of [['KEY_OFFICER'], ['AUDITOR']] as const) {
      const other = await world.steward([...roles]);
      expect(errorCodes(await world.admin(other, APPROVE, { id }))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await world.admin(steward, APPROVE, { id }, { 'x-csrf-token': 'wrong' }))).toEqual(['FORBIDDEN']);

    const kept = ['Citizen.healthInsurance', 'HealthInsuranceCard.validTo'];
    const approved = await world.admin(steward, APPROVE, { id, fields: kept, purposes: ['LAND_REGISTRATION'] });
    expect(approved.data?.approveSharingRequest).toMatchObject({ status: 'APPROVED', parts: [{ answer: { fields: kept, purposes: ['LAND_REGISTRATION'] } }] });
    await world.refresh();
    const now = await world.graphql(landKey, 'LAND_REGISTRATION', query);
    expect(errorCodes(now)).toEqual([]);
    expect(errorCodes(await world.graphql(landKey, 'PUBLIC_SERVICE', query))).toEqual(['FORBIDDEN']);
    const mine = await world.graphql(landKey, null, MINE);
    expect(mine.data?.mySharingRequests[0]).toMatchObject({ id, status: 'APPROVED', grantedFields: kept });

    // The stewards change their decision: a refusal revokes what the approval granted, and the history shows both.
    const refused = await world.admin(steward, REFUSE, { id, reason: 'Thẻ BHYT không phục vụ thủ tục đất đai', legalBasis: '13/2023/NĐ-CP' });
    expect(refused.data?.refuseSharingRequest).toEqual({
      status: 'REFUSED',
      parts: [{ refusalReason: 'Thẻ BHYT không phục vụ thủ tục đất đai', refusalLegalBasis: '13/2023/NĐ-CP' }],
    });
    await world.refresh();
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual(['FORBIDDEN']);
    const history = await world.admin(steward, '{ sharingRequest(id: "' + id + '") { history { action actor } } }');
    expect(history.data?.sharingRequest.history.map((change: { action: string }) => change.action)).toEqual([
      'REFUSE_SHARING_REQUEST',
      'APPROVE_SHARING_REQUEST',
      'FILE_SHARING_REQUEST',
    ]);
    const seen = await world.graphql(landKey, null, MINE);
    expect(seen.data?.mySharingRequests.find((each: { id: string }) => each.id === id)).toMatchObject({
      status: 'REFUSED',
      grantedFields: null,
      parts: [
        {
          ownerCode: 'H56.15.01',
          status: 'REFUSED',
          refusalReason: 'Thẻ BHYT không phục vụ thủ tục đất đai',
          refusalLegalBasis: '13/2023/NĐ-CP',
          grantedFields: null,
        },
      ],
    });
    // The agency that was refused and collects the field itself is listed as collecting it again.
    expect(
      errorCodes(
        await world.admin(
          steward,
          'mutation { declareCollectedFields(agencyCode: "H56.20", fields: ["HealthInsuranceCard.validTo", "Citizen.ethnicity", "LandParcel.areaSquareMeters"]) }',
        ),
      ),
    ).toEqual([]);
    const duplicates = await world.admin(steward, '{ duplicateCollection { agencyCode coordinate status requestId } }');
    // LandParcel.areaSquareMeters is its own sector's; a pending request would leave a field out.
    expect(duplicates.data?.duplicateCollection).toEqual([
      { agencyCode: 'H56.20', coordinate: 'Citizen.ethnicity', status: 'NEVER_ASKED', requestId: null },
      { agencyCode: 'H56.20', coordinate: 'HealthInsuranceCard.validTo', status: 'REFUSED', requestId: id },
    ]);
  });

  it('refuses a refusal without its reason or with a legal basis that is no instrument number', async () => {
    const filed = await world.graphql(landKey, null, FILE, request({ fields: ['HealthInsuranceCard.benefitLevel'] }));
    const id = filed.data!.fileSharingRequest.id as string;
    expect(errorCodes(await world.admin(steward, REFUSE, { id, reason: '', legalBasis: '13/2023/NĐ-CP' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await world.admin(steward, REFUSE, { id, reason: 'Không', legalBasis: 'Nghị định' }))).toEqual(['BAD_USER_INPUT']);
    expect((await world.admin(steward, '{ sharingRequest(id: "' + id + '") { status } }')).data?.sharingRequest).toEqual({ status: 'PENDING' });
  });

  it('sends a sensitive field of an approved request through four eyes: the approver cannot approve the grant it made', async () => {
    const filed = await world.graphql(landKey, null, FILE, request({ fields: ['Citizen.ethnicity'], purposes: ['LAND_REGISTRATION'] }));
    const id = filed.data!.fileSharingRequest.id as string;
    expect(filed.data!.fileSharingRequest.ownerCodes).toEqual(['H56.01']);
    const approved = await world.admin(steward, APPROVE, { id });
    const [grantId] = approved.data!.approveSharingRequest.parts[0].answer.grantIds as string[];
    const grant = await world.admin(steward, `{ grant(id: "${grantId}") { status sharingRequestId } }`);
    expect(grant.data?.grant).toEqual({ status: 'AWAITING_APPROVAL', sharingRequestId: id });
    await world.refresh();
    const query = '{ citizen(nationalId: "' + world.nationalId + '") { ethnicity } }';
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await world.admin(steward, 'mutation { approveGrant(id: "' + grantId + '") { id } }'))).toEqual(['FOUR_EYES_REQUIRED']);
    const second = await world.steward(['POLICY_STEWARD']);
    expect(errorCodes(await world.admin(second, 'mutation { approveGrant(id: "' + grantId + '") { id } }'))).toEqual([]);
    await world.refresh();
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual([]);
  });
});
