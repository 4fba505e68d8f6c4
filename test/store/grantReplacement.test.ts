import { PolicyRepository } from '../../gateway/store/policyRepository';
import type { GrantInput, GrantView } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { TestStore } from './storeHelpers';
import { TEST_ACTOR, createTestStore, refusal } from './storeHelpers';

const LAND = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land' };
const HEALTH = { code: 'H56.15', name: 'Sở Y tế tỉnh Thanh Hóa', sector: 'health' };

/** Two policy stewards signed in: the one who asks for a grant on sensitive data, and the one who decides on it. */
const person = (accountId: number, email: string): Extract<Actor, { kind: 'PERSON' }> => ({
  kind: 'PERSON',
  accountId,
  email,
  name: email,
  agencyCode: null,
  role: 'POLICY_STEWARD',
  reason: 'Phiếu yêu cầu 7/2026',
  via: 'session:test',
});
const ASKER = person(1, 'chinhsach.a@test.gov.vn');
const SECOND = person(2, 'chinhsach.b@test.gov.vn');

const fieldGrant = (coordinate: string, overrides: Partial<GrantInput> = {}): GrantInput => ({
  agencyCode: 'H56.20',
  target: { kind: 'FIELD', coordinate },
  purposes: ['LAND_REGISTRATION'],
  legalInstruments: ['31/2024/QH15'],
  ...overrides,
});

describe('replacing a grant', () => {
  let store: TestStore;

  /** What a refused or failed replacement must leave: the same rows and version, the old grant in force. */
  async function state() {
    const [grants, changes] = await Promise.all([store.db('grants').orderBy('id'), store.db('policy_changes').count({ n: '*' })]);
    return { grants, changes, version: await store.stewardship.version() };
  }

  /** Given a grant, tells whether the policy the gateway loads holds it. */
  async function inForce(grant: GrantView): Promise<boolean> {
    const snapshot = await store.repository.loadSnapshot();
    return (snapshot.grantsByAgency.get(grant.agencyCode) ?? []).some((each) => each.id === grant.id);
  }

  beforeAll(async () => {
    store = await createTestStore();
    await store.stewardship.createAgency(TEST_ACTOR, LAND);
    await store.stewardship.createAgency(TEST_ACTOR, HEALTH);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('revokes the old grant and stores the new one in one change, recorded once with both named', async () => {
    const old = await store.stewardship.createGrant(ASKER, fieldGrant('Citizen.fullName', { scopeUnitCodes: ['40778'] }));
    const versionBefore = await store.stewardship.version();
    const { replaced, replacement } = await store.stewardship.replaceGrant(ASKER, old.id, fieldGrant('Citizen.fullName'), 'Mở rộng ra toàn tỉnh');
    expect(replaced).toMatchObject({ id: old.id, status: 'REVOKED', revokedAt: store.clock.now().toISOString() });
    expect(replacement).toMatchObject({ status: 'ACTIVE', scopeUnitCodes: null, approval: { status: 'APPROVED', replacesGrantId: old.id } });
    expect([await inForce(old), await inForce(replacement)]).toEqual([false, true]);
    expect(await store.stewardship.version()).toBe(versionBefore + 1);
    const [change] = await store.stewardship.changes({ limit: 1 });
    expect(change).toMatchObject({
      id: versionBefore + 1,
      action: 'REPLACE_GRANT',
      entityType: 'GRANT',
      entityId: replacement.id,
      relatedEntityId: old.id,
      actor: `person:${ASKER.email}`,
      reason: 'Mở rộng ra toàn tỉnh',
      before: { id: old.id, scopeUnitCodes: ['40778'], revokedAt: null },
      after: { id: replacement.id, scopeUnitCodes: null },
    });
    // Either grant's history shows the one entry.
    for (const entityId of [old.id, replacement.id]) {
      const history = await store.stewardship.changes({ entityType: 'GRANT', entityId });
      expect(history.filter((each) => each.id > versionBefore).map((each) => each.id)).toEqual([versionBefore + 1]);
    }
  });

  it('lets one of two changes of the same grant made at once through, and refuses the other', async () => {
    const old = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Query.citizen'));
    const results = await Promise.allSettled([
      store.stewardship.replaceGrant(ASKER, old.id, fieldGrant('Query.citizen', { purposes: ['LAND_REGISTRATION', 'STATISTICS'] })),
      store.stewardship.replaceGrant(SECOND, old.id, fieldGrant('Query.citizen', { purposes: ['LAND_REGISTRATION', 'PUBLIC_SERVICE'] })),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')!;
    expect(refused.reason.extensions.code).toBe('CONFLICT');
    const onTarget = (await store.stewardship.listGrants({ agencyCode: 'H56.20' })).filter(
      (grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'Query.citizen',
    );
    expect(onTarget).toHaveLength(1);
    expect(onTarget[0]!.approval.replacesGrantId).toBe(old.id);
    const history = await store.stewardship.changes({ entityType: 'GRANT', entityId: old.id });
    expect(history.map((each) => each.action)).toEqual(['REPLACE_GRANT', 'CREATE_GRANT']);
  });

  describe('refused, changes nothing and leaves the old grant in force', () => {
    let old: GrantView;

    beforeAll(async () => {
      old = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.dateOfBirth'));
      await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.sex'));
      await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.sex', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'] }));
    });

    it.each<[string, () => GrantInput, string, RegExp]>([
      ['an unknown commune', () => fieldGrant('Citizen.dateOfBirth', { scopeUnitCodes: ['99999'] }), 'BAD_USER_INPUT', /99999/],
      [
        'a legal basis not in the register',
        () => fieldGrant('Citizen.dateOfBirth', { legalInstruments: ['999/2099/NĐ-CP'] }),
        'LEGAL_BASIS_NOT_IN_REGISTER',
        /999\/2099/,
      ],
      ['an overlap with another grant', () => fieldGrant('Citizen.sex'), 'CONFLICT', /already gives H56\.20/],
      ['a purpose that does not exist', () => fieldGrant('Citizen.dateOfBirth', { purposes: ['GOSSIP'] }), 'BAD_USER_INPUT', /GOSSIP/],
      ['a validity already over', () => fieldGrant('Citizen.dateOfBirth', { validTo: '2026-01-01' }), 'BAD_USER_INPUT', /is not after validFrom/],
      [
        'another agency',
        () => fieldGrant('Citizen.dateOfBirth', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'] }),
        'BAD_USER_INPUT',
        /not of H56\.15/,
      ],
      ['an unknown agency', () => fieldGrant('Citizen.dateOfBirth', { agencyCode: 'H56.77' }), 'NOT_FOUND', /H56\.77/],
    ])('with %s', async (_case, input, code, message) => {
      const before = await state();
      const refused = await refusal(() => store.stewardship.replaceGrant(ASKER, old.id, input()));
      expect(refused.code).toBe(code);
      expect(refused.message).toMatch(message);
      expect(await state()).toEqual(before);
      expect(await inForce(old)).toBe(true);
    });

    it('of an unknown or a revoked grant, or one not approved yet', async () => {
      const waiting = await store.stewardship.createGrant(ASKER, fieldGrant('Citizen.healthEvents'));
      expect(waiting.status).toBe('AWAITING_APPROVAL');
      const revoked = await store.stewardship.createGrant(
        TEST_ACTOR,
        fieldGrant('Citizen.fullName', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'] }),
      );
      await store.stewardship.revokeGrant(TEST_ACTOR, revoked.id);
      const before = await state();
      expect(await refusal(() => store.stewardship.replaceGrant(ASKER, '987654', fieldGrant('Citizen.dateOfBirth')))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(() => store.stewardship.replaceGrant(ASKER, 'x; drop', fieldGrant('Citizen.dateOfBirth')))).toMatchObject({ code: 'NOT_FOUND' });
      const again = fieldGrant('Citizen.fullName', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'] });
      expect(await refusal(() => store.stewardship.replaceGrant(ASKER, revoked.id, again))).toMatchObject({ code: 'CONFLICT', message: /revoked already/ });
      const sooner = fieldGrant('Citizen.healthEvents', { validTo: '2027-01-01' });
      expect(await refusal(() => store.stewardship.replaceGrant(SECOND, waiting.id, sooner))).toMatchObject({
        code: 'CONFLICT',
        message: /waits for a second policy steward/,
      });
      expect(await state()).toEqual(before);
    });
  });

  describe('failing at any step inside its transaction, leaves the old grant in force and no trace', () => {
    it.each(['insertGrant', 'revokeGrant', 'recordChange'] as const)('a database error in %s', async (step) => {
      const old = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.nationalId', { scopeUnitCodes: ['40778'] }));
      const before = await state();
      const failure = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      const injected = jest.spyOn(PolicyRepository.prototype, step).mockRejectedValueOnce(failure);
      await expect(store.stewardship.replaceGrant(ASKER, old.id, fieldGrant('Citizen.nationalId'))).rejects.toBe(failure);
      expect(injected).toHaveBeenCalled();
      expect(await state()).toEqual(before);
      expect(await inForce(old)).toBe(true);
      injected.mockRestore();
      await store.stewardship.revokeGrant(TEST_ACTOR, old.id);
    });
  });

  describe('with a new grant on sensitive data', () => {
    let old: GrantView;
    let pending: GrantView;

    beforeAll(async () => {
      old = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.ethnicity'));
    });

    it('keeps the old grant in force while the new one waits for a second policy steward', async () => {
      const versionBefore = await store.stewardship.version();
      const { replaced, replacement } = await store.stewardship.replaceGrant(ASKER, old.id, fieldGrant('Citizen.ethnicity', { scopeUnitCodes: ['40778'] }));
      pending = replacement;
      expect(replaced).toMatchObject({ id: old.id, status: 'ACTIVE', revokedAt: null });
      expect(replacement).toMatchObject({ status: 'AWAITING_APPROVAL', approval: { status: 'PENDING_APPROVAL', replacesGrantId: old.id } });
      expect([await inForce(old), await inForce(replacement)]).toEqual([true, false]);
      const history = await store.stewardship.changes({ entityType: 'GRANT', entityId: old.id });
      expect(history.filter((each) => each.id > versionBefore).map(({ action, entityId, relatedEntityId }) => ({ action, entityId, relatedEntityId }))).toEqual(
        [{ action: 'REQUEST_REPLACE_GRANT', entityId: replacement.id, relatedEntityId: old.id }],
      );
    });

    it('refuses a second replacement of the same grant while the first waits', async () => {
      const before = await state();
      const refused = await refusal(() => store.stewardship.replaceGrant(SECOND, old.id, fieldGrant('Citizen.ethnicity', { validTo: '2027-01-01' })));
      expect(refused).toMatchObject({ code: 'CONFLICT', message: new RegExp(`Grant ${pending.id}, asked for in place of grant ${old.id}`) });
      expect(await state()).toEqual(before);
    });

    it("keeps both as they are when the approval fails inside its transaction, and refuses the asker's own approval", async () => {
      expect(await refusal(() => store.stewardship.decideGrant(ASKER, pending.id, { approve: true }))).toMatchObject({ code: 'FOUR_EYES_REQUIRED' });
      const before = await state();
      const failure = Object.assign(new Error('lost connection'), { code: 'PROTOCOL_CONNECTION_LOST' });
      jest.spyOn(PolicyRepository.prototype, 'revokeGrant').mockRejectedValueOnce(failure);
      await expect(store.stewardship.decideGrant(SECOND, pending.id, { approve: true })).rejects.toBe(failure);
      expect(await state()).toEqual(before);
      expect([await inForce(old), await inForce(pending)]).toEqual([true, false]);
    });

    it("swaps them atomically at the second steward's approval, recorded as one replacement", async () => {
      const versionBefore = await store.stewardship.version();
      const approved = await store.stewardship.decideGrant(SECOND, pending.id, { approve: true });
      expect(approved).toMatchObject({ id: pending.id, status: 'ACTIVE', approval: { status: 'APPROVED', decidedBy: `person:${SECOND.email}` } });
      expect((await store.stewardship.grant(old.id))?.status).toBe('REVOKED');
      expect([await inForce(old), await inForce(approved)]).toEqual([false, true]);
      expect(await store.stewardship.version()).toBe(versionBefore + 1);
      const [change] = await store.stewardship.changes({ limit: 1 });
      expect(change).toMatchObject({
        action: 'REPLACE_GRANT',
        entityId: pending.id,
        relatedEntityId: old.id,
        actor: `person:${SECOND.email}`,
        before: { id: old.id, revokedAt: null },
        after: { id: pending.id, approval: { status: 'APPROVED' } },
      });
    });

    it('leaves the old grant in force when the replacement is rejected', async () => {
      const kept = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.ethnicity', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'] }));
      const asked = await store.stewardship.replaceGrant(
        ASKER,
        kept.id,
        fieldGrant('Citizen.ethnicity', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE'] }),
      );
      const rejected = await store.stewardship.decideGrant(SECOND, asked.replacement.id, { approve: false, reason: 'Bảo hiểm y tế không cần dân tộc' });
      expect(rejected.status).toBe('REJECTED');
      expect(await store.stewardship.grant(kept.id)).toMatchObject({ status: 'ACTIVE', revokedAt: null });
      expect([await inForce(kept), await inForce(rejected)]).toEqual([true, false]);
      const history = await store.stewardship.changes({ entityType: 'GRANT', entityId: kept.id });
      expect(history.map((each) => each.action)).toEqual(['REJECT_GRANT', 'REQUEST_REPLACE_GRANT', 'CREATE_GRANT']);
      // Rejected, it no longer holds the old grant's place: another change of it may be asked for.
      const next = await store.stewardship.replaceGrant(
        ASKER,
        kept.id,
        fieldGrant('Citizen.ethnicity', { agencyCode: 'H56.15', purposes: ['MEDICAL_TREATMENT'], scopeUnitCodes: ['40778'] }),
      );
      expect(next.replacement.status).toBe('AWAITING_APPROVAL');
    });

    it('is made at once from the command line without an account, which seeds without review', async () => {
      const seeded = await store.stewardship.createGrant(TEST_ACTOR, fieldGrant('Citizen.vaccinations', { agencyCode: 'H56.15', purposes: ['STATISTICS'] }));
      expect(seeded.status).toBe('ACTIVE');
      const { replaced, replacement } = await store.stewardship.replaceGrant(
        TEST_ACTOR,
        seeded.id,
        fieldGrant('Citizen.vaccinations', { agencyCode: 'H56.15', purposes: ['STATISTICS'], scopeUnitCodes: ['40778'] }),
      );
      expect([replaced.status, replacement.status]).toEqual(['REVOKED', 'ACTIVE']);
    });
  });
});
