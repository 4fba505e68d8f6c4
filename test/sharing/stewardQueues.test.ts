import { errorCodes } from '../helpers/graphql';
import type { SharingWorld, Steward } from './sharingPlatform';
import { startSharingWorld } from './sharingPlatform';

const FILE = `mutation ($input: SharingRequestInput!) { fileSharingRequest(input: $input) { id ownerCodes } }`;
const QUEUE = 'query ($owner: String) { sharingRequests(ownerCode: $owner) { id ownerCodes } }';
const ONE = 'query ($id: ID!) { sharingRequest(id: $id) { id status } }';
const IMPACT = 'query ($id: ID!) { sharingRequestImpact(id: $id) { coordinate } }';
const APPROVE = `mutation ($id: ID!, $fields: [String!]) {
  approveSharingRequest(id: $id, fields: $fields) { status myPart { answer { fields grantIds } } }
}`;
const REFUSE = `mutation ($id: ID!) { refuseSharingRequest(id: $id, reason: "Không thuộc phạm vi", legalBasis: "91/2025/QH15") { status } }`;
const PART = 'status answeredAt parts { ownerCode status answer { fields } }';
const APPROVE_PART = `mutation ($id: ID!, $owner: String) { approveSharingRequest(id: $id, ownerCode: $owner) { ${PART} } }`;
const REFUSE_PART = `mutation ($id: ID!, $owner: String) {
  refuseSharingRequest(id: $id, ownerCode: $owner, reason: "Không thuộc phạm vi", legalBasis: "91/2025/QH15") { ${PART} }
}`;
const APPROVE_GRANT = 'mutation ($id: ID!) { approveGrant(id: $id) { id approvalStatus } }';

const POLICE = 'H56.01';
const HOSPITAL = 'H56.15.01';
const HEALTH_FIELDS = ['Citizen.healthInsurance', 'HealthInsuranceCard.validTo'];

describe("sharing requests routed to the owner's own stewards", () => {
  let world: SharingWorld;
  let landKey: string;
  let police: Steward;
  let secondPolice: Steward;
  let hospital: Steward;
  let province: Steward;

  const file = async (fields: string[]): Promise<{ id: string; ownerCodes: string[] }> => {
    const filed = await world.graphql(landKey, null, FILE, {
      input: { fields, purposes: ['LAND_REGISTRATION'], legalBasis: '47/2020/NĐ-CP', procedure: 'Đăng ký biến động đất đai' },
    });
    expect(errorCodes(filed)).toEqual([]);
    return filed.data!.fileSharingRequest;
  };
  const statusOf = async (id: string) => (await world.admin(province, ONE, { id })).data?.sharingRequest.status;

  beforeAll(async () => {
    world = await startSharingWorld();
    landKey = world.seeded.demoKeys.get('H56.20')!;
    [police, secondPolice, hospital, province] = await Promise.all([
      world.steward(['POLICY_STEWARD'], POLICE),
      world.steward(['POLICY_STEWARD'], POLICE),
      world.steward(['POLICY_STEWARD'], HOSPITAL),
      world.steward(['POLICY_STEWARD']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
  });

  it("shows a steward of one agency its own queue only, and refuses another owner's queue and requests by id with 403 OUTSIDE_STEWARD_QUEUE", async () => {
    const health = await file(HEALTH_FIELDS);
    const population = await file(['Citizen.fullName']);
    expect([health.ownerCodes, population.ownerCodes]).toEqual([[HOSPITAL], [POLICE]]);

    const policeQueue = await world.admin(police, QUEUE, {});
    expect(policeQueue.data?.sharingRequests.map((request: { id: string }) => request.id)).toEqual([population.id]);
    const other = await world.admin(police, QUEUE, { owner: HOSPITAL });
    expect({ status: other.status, codes: errorCodes(other) }).toEqual({ status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    for (const query of [ONE, IMPACT]) {
      const read = await world.admin(police, query, { id: health.id });
      expect({ query, status: read.status, codes: errorCodes(read) }).toEqual({ query, status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    }
    // The province-wide office and the steward agency's key see both.
    const all = await world.admin(province, QUEUE, {});
    expect(all.data?.sharingRequests.map((request: { id: string }) => request.id)).toEqual(expect.arrayContaining([health.id, population.id]));
    const byKey = await world.adminWithKey(world.seeded.demoKeys.get('H56.10')!, QUEUE, { owner: HOSPITAL });
    expect(byKey.data?.sharingRequests.map((request: { id: string }) => request.id)).toContain(health.id);
  });

  it("refuses to approve or refuse another owner's request by id (403 OUTSIDE_STEWARD_QUEUE), changing nothing; its own steward answers it", async () => {
    const health = await file(HEALTH_FIELDS);
    const approve = await world.admin(police, APPROVE, { id: health.id });
    expect({ status: approve.status, codes: errorCodes(approve) }).toEqual({ status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    const refuse = await world.admin(police, REFUSE, { id: health.id });
    expect({ status: refuse.status, codes: errorCodes(refuse) }).toEqual({ status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    expect(await statusOf(health.id)).toBe('PENDING');
    const history = await world.admin(province, 'query ($id: ID!) { sharingRequest(id: $id) { history { action } } }', { id: health.id });
    expect(history.data?.sharingRequest.history.map((change: { action: string }) => change.action)).toEqual(['FILE_SHARING_REQUEST']);

    const answered = await world.admin(hospital, APPROVE, { id: health.id });
    expect(errorCodes(answered)).toEqual([]);
    expect(answered.data?.approveSharingRequest).toMatchObject({ status: 'APPROVED', myPart: { answer: { fields: HEALTH_FIELDS } } });
  });

  it("lets each owner of a request on two sectors answer its own part: the first approval leaves the other's part open, and the request is answered once both are", async () => {
    const mixed = await file(['Citizen.sex', 'HealthInsuranceCard.benefitLevel']);
    expect(mixed.ownerCodes).toEqual([POLICE, HOSPITAL]);
    // Both owners see it in their queue, each with its own part.
    for (const [steward, owner, fields] of [
      [police, POLICE, ['Citizen.sex']],
      [hospital, HOSPITAL, ['HealthInsuranceCard.benefitLevel']],
    ] as const) {
      const queue = await world.admin(steward, `query { sharingRequests { id myPart { ownerCode fields status } } }`);
      const row = queue.data?.sharingRequests.find((request: { id: string }) => request.id === mixed.id);
      expect(row?.myPart).toEqual({ ownerCode: owner, fields, status: 'PENDING' });
    }
    const first = await world.admin(police, APPROVE_PART, { id: mixed.id });
    expect(errorCodes(first)).toEqual([]);
    expect(first.data?.approveSharingRequest).toMatchObject({
      status: 'PENDING',
      answeredAt: null,
      parts: [
        { ownerCode: POLICE, status: 'APPROVED', answer: { fields: ['Citizen.sex'] } },
        { ownerCode: HOSPITAL, status: 'PENDING', answer: null },
      ],
    });
    // The first owner's approval is its own: answering again conflicts, and the other part stays open to its owner.
    expect(errorCodes(await world.admin(police, APPROVE_PART, { id: mixed.id }))).toEqual(['CONFLICT']);
    const second = await world.admin(hospital, APPROVE_PART, { id: mixed.id });
    expect(errorCodes(second)).toEqual([]);
    expect(second.data?.approveSharingRequest).toMatchObject({
      status: 'APPROVED',
      answeredAt: expect.any(String),
      parts: [
        { ownerCode: POLICE, status: 'APPROVED' },
        { ownerCode: HOSPITAL, status: 'APPROVED', answer: { fields: ['HealthInsuranceCard.benefitLevel'] } },
      ],
    });
    const history = await world.admin(province, 'query ($id: ID!) { sharingRequest(id: $id) { history { action after } } }', { id: mixed.id });
    const entries = history.data?.sharingRequest.history as { action: string; after: string }[];
    expect(entries.map((entry) => [entry.action, (JSON.parse(entry.after) as { ownerCode?: string }).ownerCode ?? null])).toEqual([
      ['APPROVE_SHARING_REQUEST', HOSPITAL],
      ['APPROVE_SHARING_REQUEST', POLICE],
      ['FILE_SHARING_REQUEST', null],
    ]);
  });

  it("refuses a steward of one owner answering another owner's part (403 OUTSIDE_STEWARD_QUEUE), by name or by its fields, changing nothing", async () => {
    const mixed = await file(['Citizen.fullName', 'HealthInsuranceCard.validTo']);
    for (const attempt of [
      world.admin(police, APPROVE_PART, { id: mixed.id, owner: HOSPITAL }),
      world.admin(police, APPROVE, { id: mixed.id, fields: ['HealthInsuranceCard.validTo'] }),
      world.admin(police, REFUSE_PART, { id: mixed.id, owner: HOSPITAL }),
      world.admin(hospital, REFUSE_PART, { id: mixed.id, owner: POLICE }),
    ]) {
      const refused = await attempt;
      expect({ status: refused.status, codes: errorCodes(refused) }).toEqual({ status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    }
    const parts = await world.admin(province, 'query ($id: ID!) { sharingRequest(id: $id) { status parts { status } } }', { id: mixed.id });
    expect(parts.data?.sharingRequest).toEqual({ status: 'PENDING', parts: [{ status: 'PENDING' }, { status: 'PENDING' }] });
  });

  it('lets the province-wide office answer any part, naming it when the request has two', async () => {
    const mixed = await file(['Citizen.nationality', 'HealthInsuranceCard.validTo']);
    expect(errorCodes(await world.admin(province, APPROVE_PART, { id: mixed.id }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await world.admin(province, APPROVE_PART, { id: mixed.id, owner: 'H56.30' }))).toEqual(['NOT_FOUND']);
    const refused = await world.admin(province, REFUSE_PART, { id: mixed.id, owner: HOSPITAL });
    expect(refused.data?.refuseSharingRequest).toMatchObject({ status: 'PENDING', parts: [{ status: 'PENDING' }, { status: 'REFUSED' }] });
    const approved = await world.admin(province, APPROVE_PART, { id: mixed.id, owner: POLICE });
    expect(approved.data?.approveSharingRequest).toMatchObject({ status: 'PARTLY_APPROVED', parts: [{ status: 'APPROVED' }, { status: 'REFUSED' }] });
  });

  it("shows the requester a mixed outcome: one owner's grant, the other's refusal with its reason and legal basis", async () => {
    const mixed = await file(['Citizen.dateOfDeath', 'HealthInsuranceCard.validFrom']);
    expect(errorCodes(await world.admin(hospital, REFUSE_PART, { id: mixed.id }))).toEqual([]);
    const approved = await world.admin(police, APPROVE_PART, { id: mixed.id });
    expect(approved.data?.approveSharingRequest.status).toBe('PARTLY_APPROVED');
    const mine = await world.graphql(
      landKey,
      null,
      '{ mySharingRequests { id status grantedFields parts { ownerCode status refusalReason refusalLegalBasis grantedFields } } }',
    );
    const seen = mine.data?.mySharingRequests.find((request: { id: string }) => request.id === mixed.id);
    expect(seen).toEqual({
      id: mixed.id,
      status: 'PARTLY_APPROVED',
      grantedFields: ['Citizen.dateOfDeath'],
      parts: [
        { ownerCode: POLICE, status: 'APPROVED', refusalReason: null, refusalLegalBasis: null, grantedFields: ['Citizen.dateOfDeath'] },
        { ownerCode: HOSPITAL, status: 'REFUSED', refusalReason: 'Không thuộc phạm vi', refusalLegalBasis: '91/2025/QH15', grantedFields: null },
      ],
    });
    // A client written before requests had parts still reads the answer at the request's level (deprecated fields).
    const earlier = await world.graphql(landKey, null, '{ mySharingRequests { id refusalReason refusalLegalBasis grantedPurposes grantedScopeUnitCodes } }');
    expect(earlier.data?.mySharingRequests.find((request: { id: string }) => request.id === mixed.id)).toEqual({
      id: mixed.id,
      refusalReason: 'Không thuộc phạm vi',
      refusalLegalBasis: '91/2025/QH15',
      grantedPurposes: expect.any(Array),
      grantedScopeUnitCodes: null,
    });
  });

  it("needs the second approver of a sensitive grant to be entitled to the owner's queue as well, part by part", async () => {
    const sensitive = await file(['Citizen.ethnicity', 'Citizen.healthEvents']);
    expect(sensitive.ownerCodes).toEqual([POLICE, HOSPITAL]);
    const approved = await world.admin(police, APPROVE, { id: sensitive.id });
    expect(errorCodes(approved)).toEqual([]);
    const [grantId] = approved.data!.approveSharingRequest.myPart.answer.grantIds as string[];
    // The same person still cannot (four eyes), nor a steward of another agency.
    expect(errorCodes(await world.admin(police, APPROVE_GRANT, { id: grantId }))).toEqual(['FOUR_EYES_REQUIRED']);
    const foreign = await world.admin(hospital, APPROVE_GRANT, { id: grantId });
    expect({ status: foreign.status, codes: errorCodes(foreign) }).toEqual({ status: 403, codes: ['OUTSIDE_STEWARD_QUEUE'] });
    const grant = await world.admin(province, 'query ($id: ID!) { grant(id: $id) { approvalStatus } }', { id: grantId });
    expect(grant.data?.grant.approvalStatus).toBe('PENDING_APPROVAL');
    const second = await world.admin(secondPolice, APPROVE_GRANT, { id: grantId });
    expect(second.data?.approveGrant).toEqual({ id: grantId, approvalStatus: 'APPROVED' });

    // The hospital's part makes its own grant, waiting in turn for a second person entitled to the hospital's queue.
    const health = await world.admin(hospital, APPROVE, { id: sensitive.id });
    expect(health.data?.approveSharingRequest.status).toBe('APPROVED');
    const [healthGrant] = health.data!.approveSharingRequest.myPart.answer.grantIds as string[];
    expect(errorCodes(await world.admin(hospital, APPROVE_GRANT, { id: healthGrant }))).toEqual(['FOUR_EYES_REQUIRED']);
    expect(errorCodes(await world.admin(secondPolice, APPROVE_GRANT, { id: healthGrant }))).toEqual(['OUTSIDE_STEWARD_QUEUE']);
    expect((await world.admin(province, APPROVE_GRANT, { id: healthGrant })).data?.approveGrant).toEqual({ id: healthGrant, approvalStatus: 'APPROVED' });
  });

  it('lets the province-wide office approve a sensitive grant on any sector as the second person', async () => {
    const sensitive = await file(['Citizen.vaccinations']);
    const approved = await world.admin(hospital, APPROVE, { id: sensitive.id });
    const [grantId] = approved.data!.approveSharingRequest.myPart.answer.grantIds as string[];
    const second = await world.admin(province, APPROVE_GRANT, { id: grantId });
    expect(second.data?.approveGrant).toEqual({ id: grantId, approvalStatus: 'APPROVED' });
  });

  it("links an account to an agency through the admin API, refuses an unknown agency, and a link's change takes effect on the next request", async () => {
    const admin = await world.steward(['ADMINISTRATOR']);
    const refused = await world.admin(admin, 'mutation ($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }', {
      input: { email: 'sai@test.gov.vn', name: 'Sai', unit: 'Phòng', roles: ['POLICY_STEWARD'], agencyCode: 'H99.99' },
    });
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
    const health = await file(HEALTH_FIELDS);
    const accounts = await world.admin(admin, '{ accounts { id email agencyCode } }');
    const account = accounts.data!.accounts.find((row: { email: string }) => row.email === police.email);
    expect(account.agencyCode).toBe(POLICE);
    const relink = 'mutation ($id: Int!, $agency: String) { updateAccount(id: $id, input: { agencyCode: $agency }) { agencyCode } }';
    expect((await world.admin(admin, relink, { id: account.id, agency: HOSPITAL })).data?.updateAccount).toEqual({ agencyCode: HOSPITAL });
    expect(errorCodes(await world.admin(police, ONE, { id: health.id }))).toEqual([]);
    expect((await world.admin(admin, relink, { id: account.id, agency: POLICE })).data?.updateAccount).toEqual({ agencyCode: POLICE });
    expect(errorCodes(await world.admin(police, ONE, { id: health.id }))).toEqual(['OUTSIDE_STEWARD_QUEUE']);
  });
});
