import { AuditRepository } from '../../gateway/audit/auditRepository';
import { EMPTY_CHAIN, chainRecords } from '../../gateway/audit/chain';
import { unchainedRecordOf } from '../../gateway/audit/records';
import type { AuditOutcome } from '../../gateway/audit/types';
import { GrantPreviews } from '../../gateway/operations/grantPreviews';
import type { Agency, FieldDecision } from '../../gateway/policy/types';
import { errorCodes } from '../helpers/graphql';
import { TEST_ACTOR } from '../store/storeHelpers';
import type { ConsoleServer, ConsoleSession } from './consoleHelpers';
import { startConsoleServer } from './consoleHelpers';

const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false };
const HOSPITAL: Agency = { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health', unitCodes: [], steward: false };
const DAY_MS = 24 * 60 * 60 * 1000;

const PREVIEW = `query ($input: CreateGrantInput!) {
  grantPreview(input: $input) {
    agencyCode target purposes awaitsSecondSteward scope { code name }
    fields { coordinate owner sharing personal importance labelVi labelEn mask example shownAs ownSector }
  }
}`;
const REPLAY = `query ($agencyCode: String!, $revokeGrantIds: [ID!], $addGrants: [CreateGrantInput!]) {
  grantReplay(agencyCode: $agencyCode, revokeGrantIds: $revokeGrantIds, addGrants: $addGrants) {
    agencyCode from to recorded replayed notReplayed withoutDecision
    counts { unchanged newlyAllowed newlyRefused maskedDifferently rowsChanged }
    byPurpose { purpose counts { unchanged newlyAllowed newlyRefused maskedDifferently rowsChanged } }
    samples { at operationName purpose recordedOutcome change fields { coordinate before after } }
  }
}`;

/** Given a coordinate and how it was decided, returns the decided field as the gateway records it. */
function field(coordinate: string, effect: FieldDecision['effect'] = 'ALLOW', mask: FieldDecision['mask'] = null): FieldDecision {
  return { coordinate, effect, rule: effect === 'DENY' ? 'DEFAULT_DENY' : 'GRANT', grantId: null, reason: '', mask, neededGrant: null, scopeUnitCodes: null };
}

const grantInput = (target: { kind: string } & Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  agencyCode: 'H56.20',
  target,
  purposes: ['LAND_REGISTRATION'],
  legalInstruments: ['31/2024/QH15'],
  ...extra,
});

const NONE = { unchanged: 0, newlyAllowed: 0, newlyRefused: 0, maskedDifferently: 0, rowsChanged: 0 };

describe('grant preview and replay in the console', () => {
  let server: ConsoleServer;
  let steward: ConsoleSession;
  let auditor: ConsoleSession;
  let keyOfficer: ConsoleSession;
  let fullNameGrant: string;
  let birthGrant: string;
  let hospitalGrant: string;
  let previews: GrantPreviews;

  beforeAll(async () => {
    server = await startConsoleServer();
    const { stewardship } = server.store;
    await stewardship.createAgency(TEST_ACTOR, { code: LAND_OFFICE.code, name: LAND_OFFICE.name, sector: 'land' });
    await stewardship.createAgency(TEST_ACTOR, { code: HOSPITAL.code, name: HOSPITAL.name, sector: 'health' });
    const grant = async (agencyCode: string, coordinate: string, purpose: string, masks: Array<{ coordinate: string; mask: string }> = []) =>
      (
        await stewardship.createGrant(TEST_ACTOR, {
          agencyCode,
          target: { kind: 'FIELD', coordinate },
          purposes: [purpose],
          legalInstruments: ['31/2024/QH15'],
          masks,
        })
      ).id;
    await grant('H56.20', 'Query.citizen', 'LAND_REGISTRATION');
    fullNameGrant = await grant('H56.20', 'Citizen.fullName', 'LAND_REGISTRATION');
    birthGrant = await grant('H56.20', 'Citizen.dateOfBirth', 'LAND_REGISTRATION', [{ coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' }]);
    hospitalGrant = await grant('H56.15.01', 'Citizen.fullName', 'MEDICAL_TREATMENT');
    steward = await server.signIn(await server.createAccount(['POLICY_STEWARD']));
    auditor = await server.signIn(await server.createAccount(['AUDITOR']));
    keyOfficer = await server.signIn(await server.createAccount(['KEY_OFFICER']));

    // The land office's last weeks, as the gateway recorded them; the replay reads from the store's clock.
    const now = server.store.clock.now().getTime();
    const record = (
      agency: Agency,
      daysAgo: number,
      operationName: string,
      outcome: AuditOutcome,
      fields: FieldDecision[],
      purpose: 'LAND_REGISTRATION' | 'MEDICAL_TREATMENT' = 'LAND_REGISTRATION',
    ) =>
      unchainedRecordOf(
        {
          at: new Date(now - daysAgo * DAY_MS),
          principal: { kind: 'AGENCY', agency, credentialId: 'k3y1d000', userId: 'can.bo' },
          purpose,
          dossierId: 'HS-1',
          operationName,
          query: `query ${operationName} { __typename }`,
          variables: null,
          fields,
          citizenIds: [],
          rowCount: 1,
          outcome,
          errorCode: outcome === 'DENIED' ? 'FORBIDDEN' : null,
          latencyMs: 5,
          policyVersion: 1,
        },
        'gw-preview',
      );
    const unchained = [
      record(LAND_OFFICE, 45, 'OldSex', 'DENIED', [field('Query.citizen'), field('Citizen.sex', 'DENY')]),
      record(LAND_OFFICE, 3, 'OwnerSex', 'DENIED', [field('Query.citizen'), field('Citizen.fullName'), field('Citizen.sex', 'DENY')]),
      record(LAND_OFFICE, 2, 'Owner', 'ALLOWED', [field('Query.citizen'), field('Citizen.fullName')]),
      record(LAND_OFFICE, 1, 'Birth', 'ALLOWED', [field('Query.citizen'), field('Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY')]),
      record(LAND_OFFICE, 1, 'NoPurpose', 'DENIED', []),
      record(HOSPITAL, 1, 'Patient', 'DENIED', [field('Query.citizen', 'DENY'), field('Citizen.fullName')], 'MEDICAL_TREATMENT'),
    ];
    const repository = new AuditRepository(server.store.db);
    await repository.appendBatch(chainRecords(EMPTY_CHAIN, unchained).records, 5000, true);
    previews = new GrantPreviews({
      repository: server.store.repository,
      stewardship,
      audit: repository,
      now: server.store.clock.now,
      maxRecords: 2,
      pageSize: 1,
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('grantPreview', () => {
    it('lists the one field a FIELD grant opens, classified and labelled, with its example masked by the masking function', async () => {
      const response = await server.admin(steward, PREVIEW, {
        input: grantInput(
          { kind: 'FIELD', coordinate: 'Citizen.nationalId' },
          { masks: [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }], scopeUnitCodes: ['40778'] },
        ),
      });
      expect(response.errors).toBeUndefined();
      const [unit] = (await server.store.repository.unitsByCodes(['40778'])).values();
      expect(response.data!.grantPreview).toEqual({
        agencyCode: 'H56.20',
        target: 'FIELD Citizen.nationalId',
        purposes: ['LAND_REGISTRATION'],
        awaitsSecondSteward: false,
        scope: [{ code: '40778', name: unit!.name }],
        fields: [
          {
            coordinate: 'Citizen.nationalId',
            owner: 'population',
            sharing: 'SHARED',
            personal: 'BASIC',
            importance: 'CORE',
            labelVi: 'Số định danh cá nhân',
            labelEn: 'National ID number',
            mask: 'PARTIAL_ID',
            example: '038185000123',
            shownAs: '038*******23',
            ownSector: false,
          },
        ],
      });
      expect(unit!.name).toMatch(/Hạc Thành/);
    });

    it("opens every field of a type but the sensitive and open ones, and shows each mask's output", async () => {
      const response = await server.admin(steward, PREVIEW, {
        input: grantInput(
          { kind: 'TYPE', typeName: 'Citizen' },
          {
            masks: [
              { coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
              { coordinate: 'Citizen.fullName', mask: 'INITIALS' },
            ],
          },
        ),
      });
      expect(response.errors).toBeUndefined();
      const fields = response.data!.grantPreview.fields as Array<{ coordinate: string; mask: string | null; example: string | null; shownAs: string | null }>;
      const coordinates = fields.map((entry) => entry.coordinate);
      expect(coordinates).toEqual(
        expect.arrayContaining(['Citizen.nationalId', 'Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.sex', 'Citizen.currentResidence']),
      );
      expect(coordinates).not.toContain('Citizen.ethnicity');
      expect(coordinates).not.toContain('Citizen.healthEvents');
      expect(coordinates).not.toContain('Citizen.inScope');
      expect(coordinates.every((coordinate) => coordinate.startsWith('Citizen.'))).toBe(true);
      const byCoordinate = new Map(fields.map((entry) => [entry.coordinate, entry]));
      expect(byCoordinate.get('Citizen.dateOfBirth')).toMatchObject({ mask: 'YEAR_ONLY', example: '1985-06-18', shownAs: '1985' });
      expect(byCoordinate.get('Citizen.fullName')).toMatchObject({ mask: 'INITIALS', example: 'Lê Thị Hoa', shownAs: 'Lê T. H.' });
      expect(byCoordinate.get('Citizen.sex')).toMatchObject({ mask: null, example: 'MALE', shownAs: 'MALE' });
      expect(byCoordinate.get('Citizen.currentResidence')).toMatchObject({ example: null, shownAs: null });
      expect(response.data!.grantPreview.scope).toBeNull();
    });

    it("keeps a classification grant within its sector and types, and marks the agency's own sector", async () => {
      const limited = await server.admin(steward, PREVIEW, {
        input: grantInput({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Residence'] }),
      });
      expect(limited.errors).toBeUndefined();
      expect(limited.data!.grantPreview.fields.map((entry: { coordinate: string }) => entry.coordinate)).toEqual(['Residence.addressLine', 'Residence.unit']);
      const health = await server.admin(steward, PREVIEW, {
        input: grantInput({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'health' }),
      });
      const owners = new Set(health.data!.grantPreview.fields.map((entry: { owner: string }) => entry.owner));
      expect([...owners]).toEqual(['health']);
      const land = await server.admin(steward, PREVIEW, { input: grantInput({ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'NONE', sector: 'land' }) });
      const landFields = land.data!.grantPreview.fields as Array<{ ownSector: boolean }>;
      expect(landFields.length).toBeGreaterThan(0);
      expect(landFields.every((entry) => entry.ownSector)).toBe(true);
    });

    it('says a grant on sensitive data waits for a second steward', async () => {
      const response = await server.admin(steward, PREVIEW, { input: grantInput({ kind: 'FIELD', coordinate: 'Citizen.ethnicity' }) });
      expect(response.data!.grantPreview).toMatchObject({ awaitsSecondSteward: true, fields: [{ coordinate: 'Citizen.ethnicity', personal: 'SENSITIVE' }] });
    });

    it.each([
      ['an unknown field', grantInput({ kind: 'FIELD', coordinate: 'Citizen.shoeSize' }), 'BAD_USER_INPUT'],
      [
        'a mask outside the grant',
        grantInput({ kind: 'FIELD', coordinate: 'Citizen.fullName' }, { masks: [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }] }),
        'BAD_USER_INPUT',
      ],
      ['a commune that is no unit', grantInput({ kind: 'FIELD', coordinate: 'Citizen.fullName' }, { scopeUnitCodes: ['99999'] }), 'BAD_USER_INPUT'],
      ['an unknown agency', { ...grantInput({ kind: 'FIELD', coordinate: 'Citizen.fullName' }), agencyCode: 'H56.77' }, 'NOT_FOUND'],
      [
        'an instrument outside the register',
        grantInput({ kind: 'FIELD', coordinate: 'Citizen.fullName' }, { legalInstruments: ['1/1999/XX'] }),
        'LEGAL_BASIS_NOT_IN_REGISTER',
      ],
    ])('refuses %s with a 4xx and a stable code', async (_what, input, code) => {
      const response = await server.admin(steward, PREVIEW, { input });
      expect(errorCodes(response)).toEqual([code]);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });
  });

  describe('grantReplay', () => {
    const replay = async (variables: Record<string, unknown>) => {
      const response = await server.admin(steward, REPLAY, { agencyCode: 'H56.20', ...variables });
      expect(response.errors).toBeUndefined();
      return response.data!.grantReplay;
    };

    it('shows the past refusals a grant that opens their field would now allow, within the last 30 days only', async () => {
      const result = await replay({ addGrants: [grantInput({ kind: 'FIELD', coordinate: 'Citizen.sex' })] });
      expect(result).toMatchObject({ agencyCode: 'H56.20', recorded: 4, replayed: 3, notReplayed: 0, withoutDecision: 1 });
      expect(result.counts).toEqual({ ...NONE, unchanged: 2, newlyAllowed: 1 });
      expect(result.byPurpose).toEqual([{ purpose: 'LAND_REGISTRATION', counts: { ...NONE, unchanged: 2, newlyAllowed: 1 } }]);
      // The refusal of 45 days ago would be allowed too, but it is outside the window.
      expect(result.samples).toEqual([
        {
          at: expect.any(String),
          operationName: 'OwnerSex',
          purpose: 'LAND_REGISTRATION',
          recordedOutcome: 'DENIED',
          change: 'NEWLY_ALLOWED',
          fields: [{ coordinate: 'Citizen.sex', before: 'DENY', after: 'ALLOW' }],
        },
      ]);
      expect(Date.parse(result.to) - Date.parse(result.from)).toBe(30 * DAY_MS);
    });

    it('shows the past reads a revocation would now refuse', async () => {
      const result = await replay({ revokeGrantIds: [fullNameGrant] });
      expect(result.counts).toEqual({ ...NONE, unchanged: 2, newlyRefused: 1 });
      expect(result.samples).toEqual([
        expect.objectContaining({
          operationName: 'Owner',
          change: 'NEWLY_REFUSED',
          fields: [{ coordinate: 'Citizen.fullName', before: 'ALLOW', after: 'DENY' }],
        }),
      ]);
    });

    it('shows the past reads a changed mask would mask differently', async () => {
      const result = await replay({
        revokeGrantIds: [birthGrant],
        addGrants: [grantInput({ kind: 'FIELD', coordinate: 'Citizen.dateOfBirth' }, { masks: [{ coordinate: 'Citizen.dateOfBirth', mask: 'REDACTED' }] })],
      });
      expect(result.counts).toEqual({ ...NONE, unchanged: 2, maskedDifferently: 1 });
      expect(result.samples).toEqual([
        expect.objectContaining({
          operationName: 'Birth',
          change: 'MASKED_DIFFERENTLY',
          fields: [{ coordinate: 'Citizen.dateOfBirth', before: 'MASK YEAR_ONLY', after: 'MASK REDACTED' }],
        }),
      ]);
    });

    it('reads no more records than its cap, and says how many it left', async () => {
      const result = await previews.replay({ agencyCode: 'H56.20', addGrants: [grantInput({ kind: 'FIELD', coordinate: 'Citizen.sex' })] });
      expect(result).toMatchObject({ recorded: 4, notReplayed: 2 });
      expect(result.replayed + result.withoutDecision).toBe(2);
    });

    it.each([
      ['nothing proposed', {}, 'BAD_USER_INPUT'],
      ['a grant of another agency to revoke', { revokeGrantIds: ['__hospital__'] }, 'BAD_USER_INPUT'],
      [
        'a grant for another agency to add',
        { addGrants: [{ ...grantInput({ kind: 'FIELD', coordinate: 'Citizen.sex' }), agencyCode: 'H56.15.01' }] },
        'BAD_USER_INPUT',
      ],
      ['an unknown grant', { revokeGrantIds: ['424242'] }, 'NOT_FOUND'],
      ['an unknown agency', { agencyCode: 'H56.77', revokeGrantIds: [] }, 'NOT_FOUND'],
      ['a grant that does not check', { addGrants: [grantInput({ kind: 'FIELD', coordinate: 'Citizen.shoeSize' })] }, 'BAD_USER_INPUT'],
    ])('refuses %s with a 4xx and a stable code', async (_what, variables, code) => {
      const resolved = JSON.parse(JSON.stringify(variables).replace('__hospital__', hospitalGrant)) as Record<string, unknown>;
      const response = await server.admin(steward, REPLAY, { agencyCode: 'H56.20', ...resolved });
      expect(errorCodes(response)).toEqual([code]);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });
  });

  it('is for policy stewards only, with the session and its CSRF token', async () => {
    const input = grantInput({ kind: 'FIELD', coordinate: 'Citizen.sex' });
    for (const session of [auditor, keyOfficer]) {
      expect(errorCodes(await server.admin(session, PREVIEW, { input }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await server.admin(session, REPLAY, { agencyCode: 'H56.20', addGrants: [input] }))).toEqual(['FORBIDDEN']);
    }
    const withoutToken = await server.admin(steward, PREVIEW, { input }, { 'x-csrf-token': '' });
    expect({ status: withoutToken.status, codes: errorCodes(withoutToken) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
    const forged = await server.admin(steward, REPLAY, { agencyCode: 'H56.20', addGrants: [input] }, { 'x-csrf-token': 'x'.repeat(43) });
    expect({ status: forged.status, codes: errorCodes(forged) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
    const signedOut = await fetch(server.adminUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PREVIEW, variables: { input } }),
    });
    expect(signedOut.status).toBe(401);
  });
});
