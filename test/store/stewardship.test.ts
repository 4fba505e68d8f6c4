import { createHash } from 'node:crypto';
import { FORMER_COMMUNES } from '../../db/seed/units';
import { demoUnits } from '../../gateway/store/demo';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { describeTarget } from '../../gateway/store/stewardship';
import type { GrantInput } from '../../gateway/store/stewardship';
import type { TestStore } from './storeHelpers';
import { TEST_ACTOR, createTestStore, refusal } from './storeHelpers';

const LAND = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land' };
const COMMUNE = { code: 'H56.99.40778', name: 'UBND phường Hạc Thành', unitCodes: ['40778'] };
const DAY = 24 * 60 * 60 * 1000;
/** A commune the 2025 reform merged into another: it no longer exists. */
const FORMER = FORMER_COMMUNES[0]!;

const landGrant = (overrides: Partial<GrantInput> = {}): GrantInput => ({
  agencyCode: 'H56.20',
  target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
  purposes: ['LAND_REGISTRATION'],
  legalBasis: 'Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP',
  legalInstruments: ['31/2024/QH15', '101/2024/NĐ-CP'],
  masks: [{ coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' }],
  ...overrides,
});

describe('stewardship', () => {
  let store: TestStore;

  /** Given a refused change, checks that nothing was written: same version, same rows. */
  async function expectUnchanged<T>(change: () => Promise<T>, code: string, message: RegExp): Promise<void> {
    const tables = ['agencies', 'credentials', 'grants', 'policy_changes'];
    const countsBefore = await Promise.all(tables.map((table) => store.db(table).count({ n: '*' })));
    const versionBefore = await store.stewardship.version();
    const refused = await refusal(change);
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
    expect(await store.stewardship.version()).toBe(versionBefore);
    expect(await Promise.all(tables.map((table) => store.db(table).count({ n: '*' })))).toEqual(countsBefore);
  }

  beforeAll(async () => {
    store = await createTestStore();
    await store.stewardship.createAgency(TEST_ACTOR, LAND);
    await store.stewardship.createAgency(TEST_ACTOR, COMMUNE);
  });

  afterAll(async () => {
    await store?.destroy();
  });

  describe('agencies', () => {
    it('registers an agency and records who did it, with the agency after the change', async () => {
      const versionBefore = await store.stewardship.version();
      const agency = await store.stewardship.createAgency(TEST_ACTOR, {
        code: 'H56.15.01',
        name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa',
        sector: 'health',
        unitCodes: ['40779', '40778', '40778'],
      });
      expect(agency).toEqual({ code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa', sector: 'health', unitCodes: ['40778', '40779'], steward: false });
      expect(await store.stewardship.agency('H56.15.01')).toEqual(agency);
      const [change] = await store.stewardship.changes({ limit: 1 });
      expect(change).toMatchObject({
        id: versionBefore + 1,
        actor: 'cli:tester',
        credentialId: null,
        action: 'CREATE_AGENCY',
        entityType: 'AGENCY',
        entityId: 'H56.15.01',
        before: null,
        after: agency,
      });
      expect(change!.changedAt).toBe(store.clock.now().toISOString());
      expect(await store.stewardship.version()).toBe(versionBefore + 1);
    });

    it('updates only the given fields, clears the sector on null, and records before and after', async () => {
      await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.30', name: 'Sở Giáo dục', sector: 'education' });
      const updated = await store.stewardship.updateAgency(TEST_ACTOR, 'H56.30', { sector: null, steward: true });
      expect(updated).toEqual({ code: 'H56.30', name: 'Sở Giáo dục', sector: null, unitCodes: [], steward: true });
      const [change] = await store.stewardship.changes({ limit: 1, entityType: 'AGENCY', entityId: 'H56.30' });
      expect(change).toMatchObject({ action: 'UPDATE_AGENCY', before: { sector: 'education', steward: false }, after: { sector: null, steward: true } });
    });

    it.each([
      [{ ...LAND }, 'CONFLICT', /H56\.20 exists already/],
      [{ code: 'land office', name: 'x' }, 'BAD_USER_INPUT', /Malformed agency code/],
      [{ code: 'H56.40', name: '  ' }, 'BAD_USER_INPUT', /name is required/],
      [{ code: 'H56.40', name: 'x', sector: 'finance' }, 'BAD_USER_INPUT', /Unknown sector "finance": expected one of population, land, health, education/],
      [{ code: 'H56.40', name: 'x', unitCodes: ['40778', '4077'] }, 'BAD_USER_INPUT', /Malformed unit codes "4077": commune codes have 5 digits/],
      [{ code: 'H56.40', name: 'x', unitCodes: ['40778', '99999'] }, 'BAD_USER_INPUT', /^Invalid unit codes: 99999 is not an administrative unit$/],
      [
        { code: 'H56.40', name: 'x', unitCodes: [FORMER.code] },
        'BAD_USER_INPUT',
        new RegExp(`${FORMER.code} \\(${FORMER.name}\\) ended on 2025-06-30; it was replaced by ${FORMER.replacedByCode}`),
      ],
    ])('refuses agency %j with %s and changes nothing', async (input, code, message) => {
      await expectUnchanged(() => store.stewardship.createAgency(TEST_ACTOR, input), code, message);
    });

    it('refuses to give an agency a commune that does not exist, and changes nothing', async () => {
      await expectUnchanged(
        () => store.stewardship.updateAgency(TEST_ACTOR, 'H56.99.40778', { unitCodes: ['99999'] }),
        'BAD_USER_INPUT',
        /99999 is not an administrative unit/,
      );
      expect((await store.stewardship.agency('H56.99.40778'))!.unitCodes).toEqual(['40778']);
    });

    it('refuses to update an unknown agency with NOT_FOUND', async () => {
      await expectUnchanged(() => store.stewardship.updateAgency(TEST_ACTOR, 'H56.77', { name: 'x' }), 'NOT_FOUND', /Unknown agency "H56.77"/);
    });

    it('writes nothing when recording the change fails: the change and its history are one transaction', async () => {
      const failing = jest.spyOn(PolicyRepository.prototype, 'recordChange').mockRejectedValueOnce(new Error('disk full'));
      try {
        await expect(store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.41', name: 'Sở Tài chính' })).rejects.toThrow('disk full');
      } finally {
        failing.mockRestore();
      }
      expect(await store.stewardship.agency('H56.41')).toBeNull();
    });
  });

  describe('API keys', () => {
    it('makes a key shown once: dsp_<id>_<secret>, stored as SHA-256, a year by default', async () => {
      const issued = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20', label: 'land registry system' });
      const match = /^dsp_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/.exec(issued.key);
      expect(match).not.toBeNull();
      expect(issued.credential).toEqual({
        id: match![1],
        agencyCode: 'H56.20',
        label: 'land registry system',
        createdAt: store.clock.now().toISOString(),
        expiresAt: new Date(store.clock.now().getTime() + 365 * DAY).toISOString(),
        revokedAt: null,
        replacedBy: null,
        status: 'ACTIVE',
      });
      const row = await store.db('credentials').where('id', match![1]).first();
      expect(row.secret_hash).toBe(createHash('sha256').update(match![2]!).digest('hex'));
      const everything = JSON.stringify([await store.db('credentials'), await store.db('policy_changes')]);
      expect(everything).not.toContain(match![2]);
      const [change] = await store.stewardship.changes({ limit: 1 });
      expect(change).toMatchObject({ action: 'CREATE_KEY', entityType: 'CREDENTIAL', entityId: match![1], before: null });
      expect(change!.after).not.toHaveProperty('secretHash');
    });

    it.each([
      [{ agencyCode: 'H56.77' }, 'NOT_FOUND', /Unknown agency "H56.77"/],
      [{ agencyCode: 'H56.20', expiresAt: '2026-02-01' }, 'BAD_USER_INPUT', /expiry 2026-02-01T00:00:00.000Z is not in the future/],
      [{ agencyCode: 'H56.20', expiresAt: 'next year' }, 'BAD_USER_INPUT', /"next year" is not a date/],
      [{ agencyCode: 'H56.20', expiresAt: '2027-02-30' }, 'BAD_USER_INPUT', /"2027-02-30" is not a date/],
    ])('refuses key %j with %s', async (input, code, message) => {
      await expectUnchanged(() => store.stewardship.createApiKey(TEST_ACTOR, input), code, message);
    });

    it('rotates a key: the successor works, the old key ends after the grace period', async () => {
      const old = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20', expiresAt: '2027-01-01' });
      const successor = await store.stewardship.rotateApiKey(TEST_ACTOR, { id: old.credential.id, graceSeconds: 3600 });
      expect(successor.key).not.toBe(old.key);
      expect(successor.credential).toMatchObject({ agencyCode: 'H56.20', status: 'ACTIVE' });
      const keys = await store.stewardship.listApiKeys('H56.20');
      expect(keys.find((key) => key.id === old.credential.id)).toMatchObject({
        expiresAt: new Date(store.clock.now().getTime() + 3600_000).toISOString(),
        replacedBy: successor.credential.id,
        status: 'ACTIVE',
      });
      const [rotation] = await store.stewardship.changes({ limit: 1 });
      expect(rotation).toMatchObject({
        action: 'ROTATE_KEY',
        entityId: old.credential.id,
        before: { replacedBy: null },
        after: { replacedBy: successor.credential.id },
      });
    });

    it('rotates with no grace: the old key stops at once, and cannot be rotated again', async () => {
      const old = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20' });
      await store.stewardship.rotateApiKey(TEST_ACTOR, { id: old.credential.id });
      const [after] = (await store.stewardship.listApiKeys('H56.20')).filter((key) => key.id === old.credential.id);
      expect(after!.status).toBe('EXPIRED');
      await expectUnchanged(() => store.stewardship.rotateApiKey(TEST_ACTOR, { id: old.credential.id }), 'CONFLICT', /is expired already/);
      await expectUnchanged(() => store.stewardship.rotateApiKey(TEST_ACTOR, { id: old.credential.id, graceSeconds: -1 }), 'BAD_USER_INPUT', /grace period/);
    });

    it('revokes a key at once; a second revocation or an unknown key is refused', async () => {
      const issued = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20' });
      const revoked = await store.stewardship.revokeApiKey(TEST_ACTOR, issued.credential.id);
      expect(revoked).toMatchObject({ id: issued.credential.id, status: 'REVOKED', revokedAt: store.clock.now().toISOString() });
      await expectUnchanged(() => store.stewardship.revokeApiKey(TEST_ACTOR, issued.credential.id), 'CONFLICT', /is revoked already/);
      await expectUnchanged(() => store.stewardship.revokeApiKey(TEST_ACTOR, 'zzzzzzzz'), 'NOT_FOUND', /Unknown API key "zzzzzzzz"/);
    });
  });

  describe('grants', () => {
    it('stores a grant with masks and records it; it is in the snapshot until revoked', async () => {
      const grant = await store.stewardship.createGrant(TEST_ACTOR, landGrant({ validTo: '2027-03-01' }));
      expect(grant).toEqual({
        id: expect.stringMatching(/^\d+$/),
        agencyCode: 'H56.20',
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP',
        legalInstruments: ['31/2024/QH15', '101/2024/NĐ-CP'],
        scopeUnitCodes: null,
        masks: [{ coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' }],
        validFrom: store.clock.now().toISOString(),
        validTo: '2027-03-01T00:00:00.000Z',
        revokedAt: null,
        // Not sensitive: in force without a second steward's review.
        approval: {
          status: 'APPROVED',
          requestedBy: 'cli:tester',
          decidedBy: 'cli:tester',
          decidedAt: store.clock.now().toISOString(),
          reason: null,
          sharingRequestId: null,
          replacesGrantId: null,
        },
        status: 'ACTIVE',
      });
      const snapshot = await store.repository.loadSnapshot();
      expect(snapshot.grantsByAgency.get('H56.20')?.map((each) => each.id)).toContain(grant.id);
      expect(snapshot.version).toBe(await store.stewardship.version());

      await expectUnchanged(
        () => store.stewardship.createGrant(TEST_ACTOR, landGrant({ purposes: ['STATISTICS'], masks: [] })),
        'CONFLICT',
        new RegExp(`Grant ${grant.id} already gives H56.20 CLASSIFICATION SHARED/BASIC`),
      );
      // A validity that starts when the first one ends does not overlap it.
      const next = await store.stewardship.createGrant(TEST_ACTOR, landGrant({ validFrom: '2027-03-01', validTo: null }));
      expect(next.status).toBe('PENDING');

      const revoked = await store.stewardship.revokeGrant(TEST_ACTOR, grant.id);
      expect(revoked).toMatchObject({ status: 'REVOKED', revokedAt: store.clock.now().toISOString() });
      expect((await store.repository.loadSnapshot()).grantsByAgency.get('H56.20')?.map((each) => each.id)).not.toContain(grant.id);
      const [change] = await store.stewardship.changes({ limit: 1 });
      expect(change).toMatchObject({
        action: 'REVOKE_GRANT',
        entityType: 'GRANT',
        entityId: grant.id,
        before: { revokedAt: null },
        after: { revokedAt: store.clock.now().toISOString() },
      });
      await expectUnchanged(() => store.stewardship.revokeGrant(TEST_ACTOR, grant.id), 'CONFLICT', /was revoked already/);
      await expectUnchanged(() => store.stewardship.revokeGrant(TEST_ACTOR, '999999'), 'NOT_FOUND', /Unknown grant "999999"/);
      // Once revoked, the same target can be granted again from now on.
      await store.stewardship.revokeGrant(TEST_ACTOR, next.id);
      expect((await store.stewardship.createGrant(TEST_ACTOR, landGrant())).status).toBe('ACTIVE');
    });

    it('stores FIELD and TYPE grants with a row scope', async () => {
      const field = await store.stewardship.createGrant(TEST_ACTOR, {
        agencyCode: 'H56.99.40778',
        target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' },
        purposes: ['SOCIAL_SUPPORT', 'SOCIAL_SUPPORT'],
        legalBasis: 'Nghị định 20/2021/NĐ-CP',
        legalInstruments: ['47/2020/NĐ-CP'],
        masks: [{ coordinate: 'Citizen.ethnicity', mask: 'REDACTED' }],
      });
      expect(field).toMatchObject({ target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' }, purposes: ['SOCIAL_SUPPORT'] });
      const type = await store.stewardship.createGrant(TEST_ACTOR, {
        agencyCode: 'H56.99.40778',
        target: { kind: 'TYPE', typeName: 'LandParcel' },
        purposes: ['PUBLIC_SERVICE'],
        legalBasis: 'Nghị định 47/2020/NĐ-CP sửa đổi bởi Nghị định 194/2025/NĐ-CP',
        legalInstruments: ['47/2020/NĐ-CP', '194/2025/NĐ-CP'],
        scopeUnitCodes: ['40778'],
      });
      expect(type).toMatchObject({ target: { kind: 'TYPE', typeName: 'LandParcel' }, scopeUnitCodes: ['40778'], masks: [] });
      expect((await store.stewardship.listGrants({ agencyCode: 'H56.99.40778' })).map((grant) => grant.id)).toEqual([field.id, type.id]);
    });

    it('stores a classification grant limited to a sector and to types, shown as such; equal targets clash, others do not', async () => {
      const input = (target: GrantInput['target']): GrantInput => ({
        agencyCode: 'H56.20',
        target,
        purposes: ['STATISTICS'],
        legalBasis: 'Luật Thống kê 2015',
        legalInstruments: ['89/2015/QH13'],
      });
      const limited = await store.stewardship.createGrant(
        TEST_ACTOR,
        input({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Residence', 'Citizen', 'Citizen'] }),
      );
      expect(limited.target).toEqual({
        kind: 'CLASSIFICATION',
        sharing: 'SHARED',
        personal: 'BASIC',
        sector: 'population',
        typeNames: ['Citizen', 'Residence'],
      });
      expect(describeTarget(limited.target)).toBe('CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Residence');
      expect((await store.stewardship.grant(limited.id))!.target).toEqual(limited.target);
      const sectorOnly = await store.stewardship.createGrant(
        TEST_ACTOR,
        input({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population' }),
      );
      expect(sectorOnly.target).toEqual({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population' });
      const refused = await refusal(
        store.stewardship.createGrant(
          TEST_ACTOR,
          input({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Citizen', 'Residence'] }),
        ),
      );
      expect(refused).toEqual({
        code: 'CONFLICT',
        message: expect.stringContaining(
          `Grant ${limited.id} already gives H56.20 CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Residence`,
        ),
      });
      const [change] = await store.stewardship.changes({ limit: 1, entityType: 'GRANT' });
      expect(change).toMatchObject({ action: 'CREATE_GRANT', after: { target: sectorOnly.target } });
      for (const grant of [limited, sectorOnly]) await store.stewardship.revokeGrant(TEST_ACTOR, grant.id);
    });

    const FIELD_GRANT = {
      agencyCode: 'H56.99.40778',
      purposes: ['PUBLIC_SERVICE'],
      legalBasis: 'Nghị định 47/2020/NĐ-CP',
      legalInstruments: ['47/2020/NĐ-CP'],
    };
    it.each<[string, GrantInput, string, RegExp]>([
      [
        'an unknown agency',
        { ...FIELD_GRANT, agencyCode: 'H56.77', target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } },
        'NOT_FOUND',
        /Unknown agency "H56.77"/,
      ],
      ['an unknown field', { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.salary' } }, 'BAD_USER_INPUT', /Unknown field "Citizen.salary"/],
      ['an unknown type', { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'TaxReturn' } }, 'BAD_USER_INPUT', /Unknown type "TaxReturn"/],
      ['an unknown target kind', { ...FIELD_GRANT, target: { kind: 'EVERYTHING' } }, 'BAD_USER_INPUT', /Unknown grant target kind "EVERYTHING"/],
      [
        'an unknown sharing class',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'PUBLIC', personal: 'NONE' } },
        'BAD_USER_INPUT',
        /Unknown sharing classification "PUBLIC"/,
      ],
      [
        'an unknown personal level',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'SECRET' } },
        'BAD_USER_INPUT',
        /Unknown personal-data classification "SECRET"/,
      ],
      [
        'INTERNAL data',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Encounter.diagnosisCode' } },
        'BAD_USER_INPUT',
        /Encounter.diagnosisCode is INTERNAL: only the health sector reads it/,
      ],
      [
        'sensitive data by classification',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'SENSITIVE' } },
        'BAD_USER_INPUT',
        /opened only by FIELD grants/,
      ],
      [
        'an unknown purpose',
        { ...FIELD_GRANT, purposes: ['MARKETING'], target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } },
        'BAD_USER_INPUT',
        /Unknown purpose "MARKETING"/,
      ],
      ['no purpose', { ...FIELD_GRANT, purposes: [], target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } }, 'BAD_USER_INPUT', /at least one purpose/],
      [
        'no legal instrument',
        { ...FIELD_GRANT, legalInstruments: [' '], target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } },
        'LEGAL_BASIS_NOT_IN_REGISTER',
        /cites the legal register/,
      ],
      [
        'an instrument the register does not hold',
        { ...FIELD_GRANT, legalInstruments: ['47/2020/NĐ-CP', '99/2099/NĐ-CP'], target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } },
        'LEGAL_BASIS_NOT_IN_REGISTER',
        /holds no "99\/2099\/NĐ-CP"/,
      ],
      [
        'an instrument replaced by the day the grant starts',
        { ...FIELD_GRANT, legalInstruments: ['13/2023/NĐ-CP'], target: { kind: 'FIELD', coordinate: 'Citizen.fullName' } },
        'LEGAL_BASIS_REPLACED',
        /13\/2023\/NĐ-CP \(replaced from 2026-01-01 by 91\/2025\/QH15, 356\/2025\/NĐ-CP\)/,
      ],
      [
        'validTo before validFrom',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, validFrom: '2027-01-01', validTo: '2026-12-01' },
        'BAD_USER_INPUT',
        /validTo 2026-12-01T00:00:00.000Z is not after validFrom/,
      ],
      [
        'an expired validity',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, validFrom: '2025-01-01', validTo: '2026-01-01' },
        'BAD_USER_INPUT',
        /has passed already/,
      ],
      [
        'a malformed date',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, validFrom: '01/02/2026' },
        'BAD_USER_INPUT',
        /validFrom "01\/02\/2026" is not a date/,
      ],
      [
        'a malformed scope',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, scopeUnitCodes: ['38'] },
        'BAD_USER_INPUT',
        /Malformed scope unit codes "38"/,
      ],
      ['an empty scope', { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, scopeUnitCodes: [] }, 'BAD_USER_INPUT', /empty scope/],
      [
        'a scope naming a commune that does not exist',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, scopeUnitCodes: ['40778', '99999'] },
        'BAD_USER_INPUT',
        /^Invalid scope unit codes: 99999 is not an administrative unit$/,
      ],
      [
        'a scope naming a commune merged away',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, scopeUnitCodes: [FORMER.code] },
        'BAD_USER_INPUT',
        new RegExp(`Invalid scope unit codes: ${FORMER.code} .* ended on 2025-06-30; it was replaced by ${FORMER.replacedByCode}`),
      ],
      [
        'a classification limited to an unknown sector',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'finance' } },
        'BAD_USER_INPUT',
        /Unknown sector "finance"/,
      ],
      [
        'a classification limited to an unknown type',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', typeNames: ['Citizen', 'TaxReturn'] } },
        'BAD_USER_INPUT',
        /Unknown type "TaxReturn"/,
      ],
      [
        'a classification limited to no type',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', typeNames: [] } },
        'BAD_USER_INPUT',
        /empty list of types/,
      ],
      [
        'a classification limited to what it does not hold',
        { ...FIELD_GRANT, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', typeNames: ['School'] } },
        'BAD_USER_INPUT',
        /CLASSIFICATION SHARED\/BASIC on types School covers no field/,
      ],
      [
        'a sector on a FIELD target',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName', sector: 'population' } },
        'BAD_USER_INPUT',
        /limit a CLASSIFICATION target only/,
      ],
      [
        'types on a TYPE target',
        { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'Citizen', typeNames: ['Citizen'] } },
        'BAD_USER_INPUT',
        /limit a CLASSIFICATION target only/,
      ],
      [
        'a mask outside a limited classification',
        {
          ...FIELD_GRANT,
          target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population' },
          masks: [{ coordinate: 'HealthInsuranceCard.socialInsuranceNumber', mask: 'PARTIAL_ID' }],
        },
        'BAD_USER_INPUT',
        /outside the grant: CLASSIFICATION SHARED\/BASIC in sector population does not cover it/,
      ],
      [
        'an unknown mask kind',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, masks: [{ coordinate: 'Citizen.fullName', mask: 'BLUR' }] },
        'BAD_USER_INPUT',
        /Unknown mask kind for Citizen.fullName "BLUR"/,
      ],
      [
        'a mask on an unknown field',
        { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'Citizen' }, masks: [{ coordinate: 'Citizen.salary', mask: 'REDACTED' }] },
        'BAD_USER_INPUT',
        /Unknown field "Citizen.salary" in a mask/,
      ],
      [
        'a mask on a field that is not text',
        { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'LandParcel' }, masks: [{ coordinate: 'LandParcel.areaSquareMeters', mask: 'REDACTED' }] },
        'BAD_USER_INPUT',
        /LandParcel.areaSquareMeters cannot be masked: only text fields/,
      ],
      [
        'a mask outside a FIELD grant',
        { ...FIELD_GRANT, target: { kind: 'FIELD', coordinate: 'Citizen.fullName' }, masks: [{ coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' }] },
        'BAD_USER_INPUT',
        /mask on Citizen.dateOfBirth is outside the grant: FIELD Citizen.fullName does not cover it/,
      ],
      [
        'a mask outside a TYPE grant',
        { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'Citizen' }, masks: [{ coordinate: 'Residence.addressLine', mask: 'REDACTED' }] },
        'BAD_USER_INPUT',
        /outside the grant: TYPE Citizen/,
      ],
      [
        'a mask on a sensitive field of a TYPE grant',
        { ...FIELD_GRANT, target: { kind: 'TYPE', typeName: 'Citizen' }, masks: [{ coordinate: 'Citizen.ethnicity', mask: 'REDACTED' }] },
        'BAD_USER_INPUT',
        /outside the grant/,
      ],
      [
        'a mask outside a CLASSIFICATION grant',
        {
          ...FIELD_GRANT,
          target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
          masks: [{ coordinate: 'LandParcel.address', mask: 'REDACTED' }],
        },
        'BAD_USER_INPUT',
        /outside the grant: CLASSIFICATION SHARED\/BASIC/,
      ],
      [
        'a field masked twice',
        {
          ...FIELD_GRANT,
          target: { kind: 'TYPE', typeName: 'Citizen' },
          masks: [
            { coordinate: 'Citizen.fullName', mask: 'INITIALS' },
            { coordinate: 'Citizen.fullName', mask: 'REDACTED' },
          ],
        },
        'BAD_USER_INPUT',
        /masked twice/,
      ],
    ])('refuses a grant with %s and changes nothing', async (_case, input, code, message) => {
      await expectUnchanged(() => store.stewardship.createGrant(TEST_ACTOR, input), code, message);
    });
  });

  describe('administrative units', () => {
    it('loads the same list again without a change, and records a new list with its counts', async () => {
      const version = await store.stewardship.version();
      expect(await store.stewardship.loadUnits(TEST_ACTOR, demoUnits())).toMatchObject({ changed: false });
      expect(await store.stewardship.version()).toBe(version);
      const fewer = demoUnits().filter((unit) => unit.code !== '40943');
      expect(await store.stewardship.loadUnits(TEST_ACTOR, fewer)).toEqual({ units: fewer.length, communesInForce: 165, changed: true });
      const [change] = await store.stewardship.changes({ limit: 1 });
      expect(change).toMatchObject({
        action: 'LOAD_UNITS',
        entityType: 'UNITS',
        before: { units: fewer.length + 1 },
        after: { units: fewer.length, communesInForce: 165 },
      });
      expect(await refusal(store.stewardship.createGrant(TEST_ACTOR, { ...landGrant(), scopeUnitCodes: ['40943'] }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('40943 is not an administrative unit'),
      });
      await store.stewardship.loadUnits(TEST_ACTOR, demoUnits());
    });

    const unit = { code: '40778', name: 'Hạc Thành', level: 'COMMUNE', validFrom: '2025-07-01' };
    it.each([
      ['no unit', [], /empty list/],
      ['a malformed code', [{ ...unit, code: '4077x' }], /Unit 1 \("4077x"\): a unit code has 2 to 5 digits/],
      ['an unknown level', [{ ...unit, level: 'HAMLET' }], /unknown level "HAMLET"/],
      ['a malformed date', [{ ...unit, validFrom: '2025-02-30' }], /validFrom "2025-02-30" is not a date/],
      ['an end before its start', [{ ...unit, validTo: '2025-01-01' }], /validTo 2025-01-01 is before validFrom 2025-07-01/],
      ['a code twice', [unit, unit], /Unit 40778 is listed twice/],
      ['a replacement not in the list', [{ ...unit, replacedBy: '40779' }], /replaced by 40779, which is not in the list/],
    ])('refuses a list with %s and changes nothing', async (_case, units, message) => {
      const before = await store.db('administrative_units').count({ n: '*' });
      await expectUnchanged(() => store.stewardship.loadUnits(TEST_ACTOR, units), 'BAD_USER_INPUT', message);
      expect(await store.db('administrative_units').count({ n: '*' })).toEqual(before);
    });

    it('refuses every unit code while no list is loaded, saying how to load one', async () => {
      const empty = await createTestStore({}, { units: false });
      try {
        await empty.stewardship.createAgency(TEST_ACTOR, LAND);
        const refused = await refusal(empty.stewardship.createGrant(TEST_ACTOR, { ...landGrant(), scopeUnitCodes: ['40778'] }));
        expect(refused).toEqual({
          code: 'BAD_USER_INPUT',
          message: expect.stringMatching(/No administrative units are loaded.*npm run steward -- units load/),
        });
        expect((await refusal(empty.stewardship.createAgency(TEST_ACTOR, COMMUNE))).code).toBe('BAD_USER_INPUT');
        // A grant for the whole province names no unit, and needs none.
        expect(await empty.stewardship.createGrant(TEST_ACTOR, landGrant())).toMatchObject({ scopeUnitCodes: null });
      } finally {
        await empty.destroy();
      }
    });
  });

  describe('history', () => {
    it('lists changes newest first, page by page, and the latest id is the policy version', async () => {
      const all = await store.stewardship.changes({ limit: 500 });
      expect(all.length).toBeGreaterThan(5);
      expect(all[0]!.id).toBe(await store.stewardship.version());
      expect(all.map((change) => change.id)).toEqual([...all.map((change) => change.id)].sort((a, b) => b - a));
      const firstPage = await store.stewardship.changes({ limit: 2 });
      const secondPage = await store.stewardship.changes({ limit: 2, before: firstPage[1]!.id });
      expect([...firstPage, ...secondPage].map((change) => change.id)).toEqual(all.slice(0, 4).map((change) => change.id));
      expect((await refusal(store.stewardship.changes({ limit: 501 }))).code).toBe('BAD_USER_INPUT');
      expect((await refusal(store.stewardship.changes({ entityType: 'USER' }))).message).toMatch(/Unknown entity type "USER"/);
    });
  });

  describe('explain', () => {
    const QUERY = '{ citizen(nationalId: "038085001234") { nationalId fullName dateOfBirth ethnicity } }';

    it('explains a masked, an allowed and a denied field with the grant and the rule', async () => {
      const decision = await store.stewardship.explain({ agencyCode: 'H56.20', purpose: 'LAND_REGISTRATION', query: QUERY });
      const byField = new Map(decision.fields.map((field) => [field.coordinate, field]));
      const [grant] = await store.stewardship.listGrants({ agencyCode: 'H56.20' });
      expect(decision).toMatchObject({ allowed: false, purposeRequired: true, purpose: 'LAND_REGISTRATION', policyVersion: await store.stewardship.version() });
      expect(byField.get('Citizen.dateOfBirth')).toMatchObject({ effect: 'MASK', rule: 'GRANT', grantId: grant!.id, mask: 'YEAR_ONLY' });
      expect(byField.get('Citizen.fullName')).toMatchObject({ effect: 'ALLOW', rule: 'GRANT', grantId: grant!.id, mask: null });
      expect(byField.get('Citizen.ethnicity')).toMatchObject({ effect: 'DENY', rule: 'SENSITIVE_NEEDS_FIELD_GRANT' });
      expect(byField.get('Citizen.ethnicity')!.neededGrant).toMatch(/FIELD grant on Citizen.ethnicity/);
    });

    it('explains for an anonymous caller and for another purpose', async () => {
      const anonymous = await store.stewardship.explain({ agencyCode: null, purpose: null, query: QUERY });
      expect(anonymous.fields.find((field) => field.coordinate === 'Citizen.fullName')).toMatchObject({ effect: 'DENY', rule: 'ANONYMOUS_OPEN_ONLY' });
      const otherPurpose = await store.stewardship.explain({ agencyCode: 'H56.20', purpose: 'STATISTICS', query: QUERY });
      expect(otherPurpose.fields.find((field) => field.coordinate === 'Citizen.fullName')).toMatchObject({ effect: 'DENY', rule: 'PURPOSE_NOT_GRANTED' });
    });

    it('decides what executes with the variables given, and every field whose condition they leave unknown', async () => {
      const query = 'query ($hide: Boolean!) { citizen(nationalId: "038085001234") { fullName ethnicity @skip(if: $hide) } }';
      const coordinates = async (variables: Record<string, unknown> | null) =>
        (await store.stewardship.explain({ agencyCode: 'H56.20', purpose: 'LAND_REGISTRATION', query, variables })).fields.map((field) => field.coordinate);
      expect(await coordinates({ hide: true })).toEqual(['Citizen.fullName', 'Citizen.nationalId', 'Query.citizen']);
      expect(await coordinates({ hide: false })).toEqual(['Citizen.ethnicity', 'Citizen.fullName', 'Citizen.nationalId', 'Query.citizen']);
      expect(await coordinates(null)).toEqual(['Citizen.ethnicity', 'Citizen.fullName', 'Citizen.nationalId', 'Query.citizen']);
    });

    it.each([
      [{ agencyCode: 'H56.77', purpose: null, query: QUERY }, 'NOT_FOUND', /Unknown agency "H56.77"/],
      [{ agencyCode: 'H56.20', purpose: 'GOSSIP', query: QUERY }, 'BAD_USER_INPUT', /Unknown purpose "GOSSIP"/],
      [{ agencyCode: 'H56.20', purpose: null, query: '{ citizen(' }, 'BAD_USER_INPUT', /does not parse/],
      [
        { agencyCode: 'H56.20', purpose: null, query: '{ citizen(nationalId: "1") { salary } }' },
        'BAD_USER_INPUT',
        /not valid against the API schema: Cannot query field "salary"/,
      ],
      [{ agencyCode: 'H56.20', purpose: null, query: 'query A { __typename } query B { __typename }' }, 'BAD_USER_INPUT', /several operations/],
      [{ agencyCode: 'H56.20', purpose: null, query: 'query A { __typename }', operationName: 'C' }, 'BAD_USER_INPUT', /no operation named "C"/],
      [
        { agencyCode: 'H56.20', purpose: null, query: QUERY, variables: [true] as unknown as Record<string, unknown> },
        'BAD_USER_INPUT',
        /variables must be a JSON object/,
      ],
    ])('refuses to explain %j with %s', async (input, code, message) => {
      const refused = await refusal(store.stewardship.explain(input));
      expect(refused.code).toBe(code);
      expect(refused.message).toMatch(message);
    });
  });
});
