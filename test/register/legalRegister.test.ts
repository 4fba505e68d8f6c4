import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { instrumentsNamedIn } from '../../db/migrations/gateway/20270301000001_create_legal_register';
import { grantsNeedingReview, vietnamDay } from '../../gateway/register/review';
import type { GrantInput } from '../../gateway/store/stewardship';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore, refusal } from '../store/storeHelpers';

const REGISTER_MIGRATION = '20270301000001_create_legal_register';

const landGrant = (overrides: Partial<GrantInput> = {}): GrantInput => ({
  agencyCode: 'H56.20',
  target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
  purposes: ['LAND_REGISTRATION'],
  legalInstruments: ['31/2024/QH15'],
  ...overrides,
});

describe('the legal register', () => {
  let store: TestStore;

  beforeAll(async () => {
    store = await createTestStore();
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health' });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  /** Given a refused call, expects its code and message, and that it recorded nothing. */
  async function expectUnchanged(call: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
    const version = await store.stewardship.version();
    const instruments = await store.stewardship.register.list();
    expect(await refusal(call)).toEqual({ code, message: expect.stringMatching(message) });
    expect(await store.stewardship.version()).toBe(version);
    expect(await store.stewardship.register.list()).toEqual(instruments);
  }

  it('holds the instruments the platform rests on, with Decree 13/2023 replaced from 2026 by Law 91/2025 and Decree 356/2025', async () => {
    const register = new Map((await store.stewardship.register.list()).map((instrument) => [instrument.number, instrument]));
    expect([...register.keys()]).toEqual(
      expect.arrayContaining(['13/2023/NĐ-CP', '91/2025/QH15', '356/2025/NĐ-CP', '47/2020/NĐ-CP', '194/2025/NĐ-CP', '60/2024/QH15', '20/2025/QĐ-TTg']),
    );
    expect(register.get('13/2023/NĐ-CP')).toMatchObject({
      type: 'DECREE',
      issuer: 'Chính phủ',
      effectiveFrom: '2023-07-01',
      replacedBy: ['91/2025/QH15', '356/2025/NĐ-CP'],
      replacedFrom: '2026-01-01',
    });
    expect(register.get('91/2025/QH15')).toMatchObject({ type: 'LAW', issuer: 'Quốc hội', effectiveFrom: '2026-01-01', replacedBy: [], replacedFrom: null });
    expect(register.get('47/2020/NĐ-CP')).toMatchObject({ amendedBy: ['194/2025/NĐ-CP'], replacedFrom: null });
    expect(register.get('194/2025/NĐ-CP')).toMatchObject({ effectiveFrom: '2025-08-19' });
  });

  it('creates and edits entries, each change in the history, and refuses bad ones changing nothing', async () => {
    const created = await store.stewardship.register.create(TEST_ACTOR, {
      number: ' 12/2026/QĐ-UBND ',
      title: 'Quy chế quản lý, chia sẻ dữ liệu tỉnh Thanh Hóa',
      type: 'DECISION',
      issuer: 'UBND tỉnh Thanh Hóa',
      effectiveFrom: '2026-04-01',
    });
    expect(created).toMatchObject({ number: '12/2026/QĐ-UBND', shortTitle: null, replacedBy: [], amendedBy: [] });
    const edited = await store.stewardship.register.update(TEST_ACTOR, '12/2026/QĐ-UBND', { title: 'Quy chế chia sẻ dữ liệu', shortTitle: 'Quy chế 12' });
    expect(edited).toMatchObject({ title: 'Quy chế chia sẻ dữ liệu', shortTitle: 'Quy chế 12', type: 'DECISION', effectiveFrom: '2026-04-01' });
    expect(await store.stewardship.register.get('12/2026/QĐ-UBND')).toEqual(edited);
    const history = await store.stewardship.changes({ entityType: 'LEGAL_INSTRUMENT', entityId: '12/2026/QĐ-UBND' });
    expect(history.map((change) => [change.action, change.actor])).toEqual([
      ['UPDATE_LEGAL_INSTRUMENT', 'cli:tester'],
      ['CREATE_LEGAL_INSTRUMENT', 'cli:tester'],
    ]);
    expect(history[0]).toMatchObject({ before: { title: 'Quy chế quản lý, chia sẻ dữ liệu tỉnh Thanh Hóa' }, after: { title: 'Quy chế chia sẻ dữ liệu' } });

    const entry = { title: 'X', type: 'DECREE', issuer: 'Chính phủ', effectiveFrom: '2026-01-01' };
    await expectUnchanged(
      () => store.stewardship.register.create(TEST_ACTOR, { ...entry, number: '13/2023/NĐ-CP' }),
      'CONFLICT',
      /holds 13\/2023\/NĐ-CP already/,
    );
    await expectUnchanged(
      () => store.stewardship.register.create(TEST_ACTOR, { ...entry, number: 'Nghị định 13' }),
      'BAD_USER_INPUT',
      /Malformed instrument number/,
    );
    await expectUnchanged(
      () => store.stewardship.register.create(TEST_ACTOR, { ...entry, number: '1/2026/NĐ-CP', type: 'EDICT' }),
      'BAD_USER_INPUT',
      /Unknown instrument type "EDICT"/,
    );
    await expectUnchanged(
      () => store.stewardship.register.create(TEST_ACTOR, { ...entry, number: '1/2026/NĐ-CP', effectiveFrom: '2026-02-30' }),
      'BAD_USER_INPUT',
      /not a date/,
    );
    await expectUnchanged(
      () => store.stewardship.register.create(TEST_ACTOR, { ...entry, number: '1/2026/NĐ-CP', title: ' ' }),
      'BAD_USER_INPUT',
      /title is required/,
    );
    await expectUnchanged(() => store.stewardship.register.update(TEST_ACTOR, '99/2099/NĐ-CP', { title: 'Y' }), 'NOT_FOUND', /holds no "99\/2099\/NĐ-CP"/);
  });

  it('records an amendment, which leaves the entry in force and its grants unflagged', async () => {
    const grant = await store.stewardship.createGrant(TEST_ACTOR, landGrant({ target: { kind: 'FIELD', coordinate: 'Citizen.sex' } }));
    const amended = await store.stewardship.register.markAmended(TEST_ACTOR, '31/2024/QH15', ['12/2026/QĐ-UBND']);
    expect(amended).toMatchObject({ amendedBy: ['12/2026/QĐ-UBND'], replacedFrom: null });
    const reviews = grantsNeedingReview(await store.stewardship.listGrants(), await store.stewardship.register.list(), store.clock.now());
    expect(reviews.map((review) => review.grant.id)).not.toContain(grant.id);
    await expectUnchanged(
      () => store.stewardship.register.markAmended(TEST_ACTOR, '31/2024/QH15', ['31/2024/QH15']),
      'BAD_USER_INPUT',
      /cannot replace or amend itself/,
    );
    await expectUnchanged(
      () => store.stewardship.register.markAmended(TEST_ACTOR, '31/2024/QH15', ['77/2077/QH99']),
      'LEGAL_BASIS_NOT_IN_REGISTER',
      /holds no "77\/2077\/QH99"/,
    );
    await store.stewardship.revokeGrant(TEST_ACTOR, grant.id);
  });

  it('flags every grant citing an instrument once its replacement applies, not before, and clears a grant that cites the successor', async () => {
    const [first, second] = [
      await store.stewardship.createGrant(TEST_ACTOR, landGrant({ legalInstruments: ['12/2026/QĐ-UBND', '31/2024/QH15'] })),
      await store.stewardship.createGrant(
        TEST_ACTOR,
        landGrant({ target: { kind: 'FIELD', coordinate: 'Citizen.dateOfBirth' }, legalInstruments: ['12/2026/QĐ-UBND'] }),
      ),
    ];
    const revoked = await store.stewardship.createGrant(
      TEST_ACTOR,
      landGrant({ target: { kind: 'FIELD', coordinate: 'Citizen.nationality' }, legalInstruments: ['12/2026/QĐ-UBND'] }),
    );
    await store.stewardship.revokeGrant(TEST_ACTOR, revoked.id);
    const successor = await store.stewardship.register.create(TEST_ACTOR, {
      number: '30/2026/QĐ-UBND',
      title: 'Quy chế chia sẻ dữ liệu (thay thế)',
      type: 'DECISION',
      issuer: 'UBND tỉnh Thanh Hóa',
      effectiveFrom: '2026-07-01',
    });
    const flagged = async () =>
      grantsNeedingReview(await store.stewardship.listGrants(), await store.stewardship.register.list(), store.clock.now())
        .filter(({ grant }) => grant.agencyCode === 'H56.20')
        .map(({ grant, review }) => ({ id: grant.id, review }));

    // The replacement is known now but applies from its successor's effective date.
    const replaced = await store.stewardship.register.markReplaced(TEST_ACTOR, '12/2026/QĐ-UBND', { replacedBy: [successor.number] });
    expect(replaced).toMatchObject({ replacedBy: ['30/2026/QĐ-UBND'], replacedFrom: '2026-07-01' });
    expect(await flagged()).toEqual([]);
    // 1 July in Hà Nội begins at 17:00 UTC the day before.
    store.clock.set('2026-06-30T16:59:00.000Z');
    expect(await flagged()).toEqual([]);
    store.clock.set('2026-06-30T17:00:00.000Z');
    expect(vietnamDay(store.clock.now())).toBe('2026-07-01');
    const review = { needsReview: true, obsoleteInstruments: ['12/2026/QĐ-UBND'], successors: ['30/2026/QĐ-UBND'], citesNothing: false };
    expect(await flagged()).toEqual([
      { id: first!.id, review },
      { id: second!.id, review },
    ]);

    // A new grant may not rest on it any more; citing the successor answers the review.
    await expectUnchanged(
      () =>
        store.stewardship.createGrant(
          TEST_ACTOR,
          landGrant({ target: { kind: 'FIELD', coordinate: 'Citizen.status' }, legalInstruments: ['12/2026/QĐ-UBND'] }),
        ),
      'LEGAL_BASIS_REPLACED',
      /12\/2026\/QĐ-UBND \(replaced from 2026-07-01 by 30\/2026\/QĐ-UBND\)/,
    );
    const cited = await store.stewardship.citeLegalBasis(TEST_ACTOR, first!.id, {
      legalInstruments: ['30/2026/qđ-ubnd', '31/2024/QH15'],
      legalBasis: 'Điều 5',
    });
    expect(cited).toMatchObject({ legalInstruments: ['30/2026/QĐ-UBND', '31/2024/QH15'], legalBasis: 'Điều 5' });
    expect((await flagged()).map(({ id }) => id)).toEqual([second!.id]);
    const [change] = await store.stewardship.changes({ entityType: 'GRANT', entityId: first!.id, limit: 1 });
    expect(change).toMatchObject({
      action: 'CITE_LEGAL_BASIS',
      before: { legalInstruments: ['12/2026/QĐ-UBND', '31/2024/QH15'] },
      after: { legalBasis: 'Điều 5' },
    });
    await expectUnchanged(
      () => store.stewardship.citeLegalBasis(TEST_ACTOR, second!.id, { legalInstruments: ['12/2026/QĐ-UBND'] }),
      'LEGAL_BASIS_REPLACED',
      /cite the successors/,
    );
    await expectUnchanged(() => store.stewardship.citeLegalBasis(TEST_ACTOR, revoked.id, { legalInstruments: ['31/2024/QH15'] }), 'CONFLICT', /was revoked/);
    await expectUnchanged(
      () => store.stewardship.register.markReplaced(TEST_ACTOR, '31/2024/QH15', { replacedBy: ['30/2026/QĐ-UBND'], from: '2020-01-01' }),
      'BAD_USER_INPUT',
      /took effect on 2024-08-01/,
    );
    store.clock.set('2026-03-01T08:00:00.000Z');
  });

  it("gives a grant citing the register's entries a text naming them when the steward writes none", async () => {
    const grant = await store.stewardship.createGrant(
      TEST_ACTOR,
      landGrant({
        agencyCode: 'H56.15.01',
        target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
        purposes: ['MEDICAL_TREATMENT'],
        legalInstruments: ['15/2023/QH15', '91/2025/QH15'],
      }),
    );
    expect(grant).toMatchObject({
      legalInstruments: ['15/2023/QH15', '91/2025/QH15'],
      legalBasis: '15/2023/QH15 (Luật Khám bệnh, chữa bệnh); 91/2025/QH15 (Luật Bảo vệ dữ liệu cá nhân)',
    });
    // A grant that started in 2025 on Decree 13/2023 is taken, and is under review at once.
    const earlier = await store.stewardship.createGrant(
      TEST_ACTOR,
      landGrant({
        agencyCode: 'H56.15.01',
        target: { kind: 'FIELD', coordinate: 'Citizen.sex' },
        purposes: ['MEDICAL_TREATMENT'],
        legalInstruments: ['13/2023/NĐ-CP'],
        validFrom: '2025-03-01',
      }),
    );
    const reviews = grantsNeedingReview(
      await store.stewardship.listGrants({ agencyCode: 'H56.15.01' }),
      await store.stewardship.register.list(),
      store.clock.now(),
    );
    expect(reviews.map(({ grant: flagged, review }) => [flagged.id, review.successors])).toEqual([[earlier.id, ['91/2025/QH15', '356/2025/NĐ-CP']]]);
  });
});

describe('the register migration (20270301000001)', () => {
  let store: TestStore;

  afterAll(async () => {
    await store?.destroy();
  });

  it.each([
    ['Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP', ['101/2024/NĐ-CP', '31/2024/QH15']],
    ['Nghị định 47/2020/NĐ-CP sửa đổi bởi Nghị định 194/2025/NĐ-CP', ['47/2020/NĐ-CP', '194/2025/NĐ-CP']],
    ['theo nghị định 13/2023', ['13/2023/NĐ-CP']],
    ['Nghị định 113/2023/NĐ-CP', []],
    ['Luật Bảo hiểm y tế 2008 sửa đổi 2024', ['25/2008/QH12']],
    ['Test fixture', []],
  ])('finds in "%s" the entries %j', (text, numbers) => {
    expect(instrumentsNamedIn(text).sort()).toEqual([...numbers].sort());
  });

  it('links the grants made before it to the entries their text names, keeps their text, and flags those it cannot link', async () => {
    store = await createTestStore();
    const { db } = store;
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    const options = { migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: REGISTER_MIGRATION };
    await db.migrate.down(options);
    expect(await db.schema.hasTable('legal_instruments')).toBe(false);
    const texts = ['Nghị định 13/2023/NĐ-CP; Luật Đất đai 2024', 'Công văn 15/UBND'];
    for (const [index, text] of texts.entries()) {
      await db('grants').insert({
        agency_code: 'H56.20',
        target_kind: 'FIELD',
        target: ['Citizen.fullName', 'Citizen.sex'][index],
        purposes: '["LAND_REGISTRATION"]',
        legal_basis: text,
        masks: '[]',
        valid_from: '2025-01-01T00:00:00.000Z',
        created_at: '2025-01-01T00:00:00.000Z',
      });
    }
    expect(await migrateLatest(db, 'gateway')).toEqual([REGISTER_MIGRATION]);
    const grants = await store.stewardship.listGrants();
    expect(grants.map((grant) => [grant.legalBasis, grant.legalInstruments])).toEqual([
      [texts[0], ['13/2023/NĐ-CP', '31/2024/QH15']],
      [texts[1], []],
    ]);
    const reviews = grantsNeedingReview(grants, await store.stewardship.register.list(), store.clock.now());
    expect(reviews.map(({ review }) => review)).toEqual([
      { needsReview: true, obsoleteInstruments: ['13/2023/NĐ-CP'], successors: ['91/2025/QH15', '356/2025/NĐ-CP'], citesNothing: false },
      { needsReview: true, obsoleteInstruments: [], successors: [], citesNothing: true },
    ]);
  });
});
