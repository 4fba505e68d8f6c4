import { errorCodes } from '../helpers/graphql';
import type { Steward, SharingWorld } from './sharingPlatform';
import { startSharingWorld } from './sharingPlatform';

const CREATE = 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id status approvalStatus requestedBy } }';
const APPROVE = 'mutation ($id: ID!) { approveGrant(id: $id) { id status approvalStatus decidedBy } }';
const REJECT = 'mutation ($id: ID!, $reason: String!) { rejectGrant(id: $id, reason: $reason) { id status decisionReason } }';

const fieldGrant = (coordinate: string, agencyCode = 'H56.20') => ({
  input: {
    agencyCode,
    target: { kind: 'FIELD', coordinate },
    purposes: ['LAND_REGISTRATION'],
    legalInstruments: ['31/2024/QH15'],
    legalBasis: 'Luật Đất đai 2024',
  },
});

describe('four eyes on grants of sensitive data', () => {
  let world: SharingWorld;
  let first: Steward;
  let second: Steward;
  let landKey: string;
  let ethnicity: string;

  beforeAll(async () => {
    world = await startSharingWorld();
    first = await world.steward(['POLICY_STEWARD']);
    second = await world.steward(['POLICY_STEWARD']);
    landKey = world.seeded.demoKeys.get('H56.20')!;
    ethnicity = `{ citizen(nationalId: "${world.nationalId}") { ethnicity } }`;
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('stores a grant on a sensitive field as waiting, opens nothing through a real query, and lets a second steward alone put it in force', async () => {
    const before = await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity);
    expect(errorCodes(before)).toEqual(['FORBIDDEN']);
    const created = await world.admin(first, CREATE, fieldGrant('Citizen.ethnicity'));
    expect(created.data?.createGrant).toMatchObject({ status: 'AWAITING_APPROVAL', approvalStatus: 'PENDING_APPROVAL', requestedBy: `person:${first.email}` });
    const id = created.data!.createGrant.id as string;
    await world.refresh();
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity))).toEqual(['FORBIDDEN']);
    const access = await world.graphql(landKey, null, '{ myAccess { grants { id } } }');
    expect(access.data?.myAccess.grants.map((grant: { id: string }) => grant.id)).not.toContain(id);

    // The same person cannot approve their own, nor reject it.
    const own = await world.admin(first, APPROVE, { id });
    expect({ codes: errorCodes(own), status: own.status }).toEqual({ codes: ['FOUR_EYES_REQUIRED'], status: 403 });
    expect(errorCodes(await world.admin(first, REJECT, { id, reason: 'Tự từ chối' }))).toEqual(['FOUR_EYES_REQUIRED']);
    // Nor any other role, nor a steward agency's key, nor a session without its CSRF token.
    for (const roles of [['KEY_OFFICER'], ['AUDITOR'], ['ADMINISTRATOR'], []] as const) {
      const other = await world.steward([...roles]);
      expect({ roles, codes: errorCodes(await world.admin(other, APPROVE, { id })) }).toEqual({ roles, codes: ['FORBIDDEN'] });
    }
    const stewardKey = world.seeded.demoKeys.get('H56.10')!;
    expect(errorCodes(await world.adminWithKey(stewardKey, APPROVE, { id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await world.admin(second, APPROVE, { id }, { 'x-csrf-token': '' }))).toEqual(['FORBIDDEN']);
    await world.refresh();
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity))).toEqual(['FORBIDDEN']);

    const approved = await world.admin(second, APPROVE, { id });
    expect(approved.data?.approveGrant).toEqual({ id, status: 'ACTIVE', approvalStatus: 'APPROVED', decidedBy: `person:${second.email}` });
    await world.refresh();
    const after = await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity);
    expect(errorCodes(after)).toEqual([]);
    expect(after.data?.citizen).toHaveProperty('ethnicity');
    expect(errorCodes(await world.admin(second, APPROVE, { id }))).toEqual(['CONFLICT']);

    const history = await world.admin(second, '{ policyChanges(entityType: "GRANT", entityId: "' + id + '") { action actor actorRole } }');
    expect(history.data?.policyChanges).toEqual([
      { action: 'APPROVE_GRANT', actor: `person:${second.email}`, actorRole: 'POLICY_STEWARD' },
      { action: 'REQUEST_GRANT', actor: `person:${first.email}`, actorRole: 'POLICY_STEWARD' },
    ]);
  });

  it("holds a steward agency key's grant on sensitive data for review too, and a rejected one never comes into force", async () => {
    const stewardKey = world.seeded.demoKeys.get('H56.10')!;
    const created = await world.adminWithKey(stewardKey, CREATE, fieldGrant('Encounter.diagnosisCode'));
    // INTERNAL data cannot be granted at all; a sensitive shared field can, and waits.
    expect(errorCodes(created)).toEqual(['BAD_USER_INPUT']);
    const sensitive = await world.adminWithKey(stewardKey, CREATE, fieldGrant('Citizen.ethnicity', 'H56.15.01'));
    expect(sensitive.data?.createGrant).toMatchObject({ status: 'AWAITING_APPROVAL', requestedBy: 'H56.10' });
    const id = sensitive.data!.createGrant.id as string;
    const noReason = await world.admin(first, REJECT, { id, reason: '  ' });
    expect(errorCodes(noReason)).toEqual(['BAD_USER_INPUT']);
    const rejected = await world.admin(first, REJECT, { id, reason: 'Bệnh viện không cần dân tộc để khám chữa bệnh' });
    expect(rejected.data?.rejectGrant).toEqual({ id, status: 'REJECTED', decisionReason: 'Bệnh viện không cần dân tộc để khám chữa bệnh' });
    expect(errorCodes(await world.admin(second, APPROVE, { id }))).toEqual(['CONFLICT']);
    const snapshot = await world.refresh();
    expect(((snapshot as { grantsByAgency: Map<string, Array<{ id: string }>> }).grantsByAgency.get('H56.15.01') ?? []).map((grant) => grant.id)).not.toContain(
      id,
    );
    const pending = await world.admin(second, '{ grants(approvalStatus: "REJECTED") { id } }');
    expect(pending.data?.grants).toEqual([{ id }]);
  });

  it('puts a grant on data that is not sensitive in force at once', async () => {
    const created = await world.admin(first, CREATE, { input: { ...fieldGrant('School.name', 'H56.20').input } });
    // School.name is open data: it needs no grant, but one may be recorded; it is in force without review.
    expect(created.data?.createGrant ?? errorCodes(created)).toMatchObject({ status: 'ACTIVE', approvalStatus: 'APPROVED' });
  });
});
