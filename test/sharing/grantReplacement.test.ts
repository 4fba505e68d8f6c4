import { errorCodes } from '../helpers/graphql';
import type { Steward, SharingWorld } from './sharingPlatform';
import { startSharingWorld } from './sharingPlatform';

const REPLACE = `mutation ($id: ID!, $input: CreateGrantInput!, $reason: String) {
  replaceGrant(id: $id, input: $input, reason: $reason) {
    replaced { id status revokedAt }
    replacement { id status approvalStatus replacesGrantId purposes masks { coordinate mask } }
  }
}`;
const APPROVE = 'mutation ($id: ID!) { approveGrant(id: $id) { id status } }';
const REJECT = 'mutation ($id: ID!, $reason: String!) { rejectGrant(id: $id, reason: $reason) { id status } }';
const PREVIEW =
  'query ($input: CreateGrantInput!, $id: ID) { grantPreview(input: $input, replacesGrantId: $id) { awaitsSecondSteward replacesGrantId keepsReplacedUntilApproval } }';
const HISTORY = 'query ($id: String!) { policyChanges(entityType: "GRANT", entityId: $id) { action entityId relatedEntityId reason actor } }';

const grantOn = (coordinate: string, extra: Record<string, unknown> = {}) => ({
  agencyCode: 'H56.20',
  target: { kind: 'FIELD', coordinate },
  purposes: ['LAND_REGISTRATION'],
  legalInstruments: ['31/2024/QH15'],
  ...extra,
});

describe('replaceGrant on /admin', () => {
  let world: SharingWorld;
  let first: Steward;
  let second: Steward;
  let landKey: string;
  let ethnicity: string;

  /** Makes a grant in force directly, as the platform's seeding does: no review. */
  const seedGrant = (coordinate: string) =>
    world.seeded.platform.stewardship.createGrant({ kind: 'SYSTEM', task: 'test' }, grantOn(coordinate) as never).then((grant) => grant.id);

  const statusOf = async (id: string) => (await world.seeded.platform.stewardship.grant(id))?.status;

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

  it('replaces a grant in one change for a steward key and a console session, with the same checks as createGrant and revokeGrant', async () => {
    const old = await seedGrant('Citizen.sex');
    // Refused for a role without grants, for a session without its CSRF token or without a reason: the old grant untouched.
    const officer = await world.steward(['KEY_OFFICER']);
    const input = grantOn('Citizen.sex', { purposes: ['LAND_REGISTRATION', 'STATISTICS'] });
    expect(errorCodes(await world.admin(officer, REPLACE, { id: old, input }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await world.admin(first, REPLACE, { id: old, input }, { 'x-csrf-token': '' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await world.admin(first, REPLACE, { id: old, input }, { 'x-change-reason': '' }))).toEqual(['BAD_USER_INPUT']);
    // Refused for what createGrant refuses: nothing changes, the old grant stays in force.
    const unknownCommune = await world.admin(first, REPLACE, { id: old, input: { ...input, scopeUnitCodes: ['99999'] } });
    expect({ codes: errorCodes(unknownCommune), status: unknownCommune.status }).toEqual({ codes: ['BAD_USER_INPUT'], status: 400 });
    expect(unknownCommune.errors?.[0]?.message).toMatch(/99999 is not an administrative unit/);
    const notInRegister = await world.admin(first, REPLACE, { id: old, input: { ...input, legalInstruments: ['999/2099/NĐ-CP'] } });
    expect({ codes: errorCodes(notInRegister), status: notInRegister.status }).toEqual({ codes: ['LEGAL_BASIS_NOT_IN_REGISTER'], status: 400 });
    // The preview checks the grant replaced as the mutation does, and says when the old one would stay in force.
    expect((await world.admin(first, PREVIEW, { input, id: old })).data?.grantPreview).toEqual({
      awaitsSecondSteward: false,
      replacesGrantId: old,
      keepsReplacedUntilApproval: false,
    });
    const otherAgency = await world.admin(first, PREVIEW, { input: { ...input, agencyCode: 'H56.01', purposes: ['INVESTIGATION'] }, id: old });
    expect({ codes: errorCodes(otherAgency), status: otherAgency.status }).toEqual({ codes: ['BAD_USER_INPUT'], status: 400 });
    expect(otherAgency.errors?.[0]?.message).toMatch(/is a grant of H56\.20, not of H56\.01/);
    expect(errorCodes(await world.admin(first, PREVIEW, { input, id: '987654' }))).toEqual(['NOT_FOUND']);
    expect(await statusOf(old)).toBe('ACTIVE');
    expect((await world.admin(first, HISTORY, { id: old })).data?.policyChanges.map((change: { action: string }) => change.action)).toEqual(['CREATE_GRANT']);

    const byKey = await world.adminWithKey(world.seeded.demoKeys.get('H56.10')!, REPLACE, { id: old, input, reason: 'Công văn 12/STTTT' });
    expect(errorCodes(byKey)).toEqual([]);
    const { replaced, replacement } = byKey.data!.replaceGrant;
    expect(replaced).toMatchObject({ id: old, status: 'REVOKED' });
    expect(replacement).toMatchObject({ status: 'ACTIVE', replacesGrantId: old, purposes: ['LAND_REGISTRATION', 'STATISTICS'] });
    const history = await world.admin(first, HISTORY, { id: old });
    expect(history.data?.policyChanges).toEqual([
      { action: 'REPLACE_GRANT', entityId: replacement.id, relatedEntityId: old, reason: 'Công văn 12/STTTT', actor: 'H56.10' },
      { action: 'CREATE_GRANT', entityId: old, relatedEntityId: null, reason: null, actor: 'system:test' },
    ]);
    // Revoked already: replacing it again is a conflict, and a session replaces the new one.
    const again = await world.admin(first, REPLACE, { id: old, input });
    expect({ codes: errorCodes(again), status: again.status }).toEqual({ codes: ['CONFLICT'], status: 409 });
    const bySession = await world.admin(first, REPLACE, { id: replacement.id, input: grantOn('Citizen.sex') });
    expect(bySession.data?.replaceGrant.replaced).toMatchObject({ id: replacement.id, status: 'REVOKED' });
  });

  it('keeps the old grant on sensitive data in force, for real queries, until a second steward approves the replacement', async () => {
    const old = await seedGrant('Citizen.ethnicity');
    await world.refresh();
    const plain = await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity);
    expect(errorCodes(plain)).toEqual([]);
    const value = plain.data!.citizen.ethnicity as string;

    const input = grantOn('Citizen.ethnicity', { masks: [{ coordinate: 'Citizen.ethnicity', mask: 'REDACTED' }] });
    const preview = await world.admin(first, PREVIEW, { input, id: old });
    expect(preview.data?.grantPreview).toEqual({ awaitsSecondSteward: true, replacesGrantId: old, keepsReplacedUntilApproval: true });
    const asked = await world.admin(first, REPLACE, { id: old, input });
    expect(asked.data?.replaceGrant).toMatchObject({
      replaced: { id: old, status: 'ACTIVE', revokedAt: null },
      replacement: { status: 'AWAITING_APPROVAL', approvalStatus: 'PENDING_APPROVAL', replacesGrantId: old },
    });
    const pending = asked.data!.replaceGrant.replacement.id as string;
    await world.refresh();
    expect((await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity)).data?.citizen.ethnicity).toBe(value);
    // The preview refuses what the mutation would: a second change of the same grant while one waits.
    expect(errorCodes(await world.admin(second, PREVIEW, { input, id: old }))).toEqual(['CONFLICT']);
    expect(errorCodes(await world.admin(first, APPROVE, { id: pending }))).toEqual(['FOUR_EYES_REQUIRED']);

    expect((await world.admin(second, APPROVE, { id: pending })).data?.approveGrant).toEqual({ id: pending, status: 'ACTIVE' });
    expect(await statusOf(old)).toBe('REVOKED');
    await world.refresh();
    const masked = await world.graphql(landKey, 'LAND_REGISTRATION', ethnicity);
    expect(errorCodes(masked)).toEqual([]);
    expect(masked.data?.citizen.ethnicity).not.toBe(value);
    const history = await world.admin(first, HISTORY, { id: old });
    expect(history.data?.policyChanges.map(({ action, entityId, relatedEntityId }: Record<string, string>) => ({ action, entityId, relatedEntityId }))).toEqual(
      [
        { action: 'REPLACE_GRANT', entityId: pending, relatedEntityId: old },
        { action: 'REQUEST_REPLACE_GRANT', entityId: pending, relatedEntityId: old },
        { action: 'CREATE_GRANT', entityId: old, relatedEntityId: null },
      ],
    );
  });

  it('keeps the old grant when the replacement is rejected', async () => {
    const old = await seedGrant('Citizen.vaccinations');
    const asked = await world.admin(first, REPLACE, { id: old, input: grantOn('Citizen.vaccinations', { scopeUnitCodes: ['40778'] }) });
    const pending = asked.data!.replaceGrant.replacement.id as string;
    expect((await world.admin(second, REJECT, { id: pending, reason: 'Không cần thu hẹp' })).data?.rejectGrant).toEqual({ id: pending, status: 'REJECTED' });
    expect(await statusOf(old)).toBe('ACTIVE');
    await world.refresh();
    const access = await world.graphql(landKey, null, '{ myAccess { grants { id } } }');
    expect(access.data?.myAccess.grants.map((grant: { id: string }) => grant.id)).toContain(old);
  });
});
