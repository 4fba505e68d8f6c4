import { searchUnits } from '../../gateway/store/unitSearch';
import type { AdministrativeUnit } from '../../gateway/store/types';
import { errorCodes } from '../helpers/graphql';
import type { ConsoleServer, ConsoleSession } from '../console/consoleHelpers';
import { startConsoleServer } from '../console/consoleHelpers';

const UNITS = `query ($search: String, $level: String, $inForceOnly: Boolean, $first: Int, $after: String) {
  administrativeUnits(search: $search, level: $level, inForceOnly: $inForceOnly, first: $first, after: $after) {
    total hasNextPage endCursor
    units { code name level validFrom validTo status replacedBy { code name } successorInForce { code name level } }
  }
}`;

interface UnitRow {
  code: string;
  name: string;
  level: string;
  status: string;
  replacedBy: { code: string; name: string } | null;
  successorInForce: { code: string; name: string; level: string } | null;
}
interface Page {
  administrativeUnits: { total: number; hasNextPage: boolean; endCursor: string | null; units: UnitRow[] };
}

const unit = (code: string, validTo: string | null, replacedBy: string | null, name = `Xã ${code}`): AdministrativeUnit => ({
  code,
  name,
  level: 'COMMUNE',
  validFrom: '2000-01-01',
  validTo,
  replacedBy,
});

describe('searchUnits', () => {
  it('follows replacements to the unit in force, through an ended one, and stops on a loop', () => {
    const units = [
      unit('10001', '2010-12-31', '10002'),
      unit('10002', '2020-12-31', '10003'),
      unit('10003', null, null),
      unit('10004', '2010-01-01', '10005'),
      unit('10005', '2010-01-01', '10004'),
    ];
    const page = searchUnits(units, { first: 10 }, '2026-01-01');
    const byCode = new Map(page.units.map((choice) => [choice.code, choice]));
    expect(byCode.get('10001')).toMatchObject({ status: 'REPLACED', replacement: { code: '10002' }, successorInForce: { code: '10003' } });
    expect(byCode.get('10004')).toMatchObject({ status: 'REPLACED', replacement: { code: '10005' }, successorInForce: null });
    expect(page.units.map((choice) => choice.code)).toEqual(['10003', '10001', '10002', '10004', '10005']);
  });

  it('finds names without their accents, codes by their start, and tells a unit not yet started', () => {
    const units = [
      unit('40778', null, null, 'Hạc Thành'),
      unit('40790', null, null, 'Đông Tiến'),
      { ...unit('40800', null, null, 'Mới'), validFrom: '2027-01-01' },
    ];
    expect(searchUnits(units, { search: 'HAC thanh' }, '2026-01-01').units.map((choice) => choice.code)).toEqual(['40778']);
    expect(searchUnits(units, { search: 'dong tien' }, '2026-01-01').units.map((choice) => choice.code)).toEqual(['40790']);
    expect(searchUnits(units, { search: '4077' }, '2026-01-01').units.map((choice) => choice.code)).toEqual(['40778']);
    expect(searchUnits(units, { search: '0778' }, '2026-01-01').units).toEqual([]);
    expect(searchUnits(units, { search: 'mới' }, '2026-01-01').units[0]?.status).toBe('NOT_STARTED');
    expect(searchUnits(units, { inForceOnly: true }, '2026-01-01').total).toBe(2);
  });
});

describe('administrativeUnits in the admin API', () => {
  let server: ConsoleServer;
  let steward: ConsoleSession;
  let auditor: ConsoleSession;
  let keyOfficer: ConsoleSession;

  const ask = (session: ConsoleSession, variables: Record<string, unknown>) => server.admin<Page>(session, UNITS, variables);

  beforeAll(async () => {
    server = await startConsoleServer();
    steward = await server.signIn(await server.createAccount(['POLICY_STEWARD']));
    auditor = await server.signIn(await server.createAccount(['AUDITOR']));
    keyOfficer = await server.signIn(await server.createAccount(['KEY_OFFICER']));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('finds a commune in force by its name typed without accents', async () => {
    const response = await ask(steward, { search: 'hac thanh' });
    expect(response.errors).toBeUndefined();
    expect(response.data!.administrativeUnits).toMatchObject({ total: 1, hasNextPage: false });
    expect(response.data!.administrativeUnits.units).toEqual([
      {
        code: '40778',
        name: 'Hạc Thành',
        level: 'COMMUNE',
        validFrom: '2025-07-01',
        validTo: null,
        status: 'IN_FORCE',
        replacedBy: null,
        successorInForce: null,
      },
    ]);
  });

  it('marks a replaced commune, found by its code, with the commune that took its place, which createGrant accepts instead', async () => {
    const response = await ask(auditor, { search: '14755' });
    expect(response.data!.administrativeUnits.units).toEqual([
      expect.objectContaining({
        code: '14755',
        name: 'Điện Biên',
        status: 'REPLACED',
        validTo: '2025-06-30',
        replacedBy: { code: '40778', name: 'Hạc Thành' },
      }),
    ]);
    expect(response.data!.administrativeUnits.units[0]!.successorInForce).toEqual({ code: '40778', name: 'Hạc Thành', level: 'COMMUNE' });
    // The server refuses the replaced commune in a grant, and names its successor: what the picker offers.
    await server.store.stewardship.createAgency({ kind: 'SYSTEM', task: 'test' }, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    const input = {
      agencyCode: 'H56.20',
      target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
      purposes: ['LAND_REGISTRATION'],
      legalInstruments: ['31/2024/QH15'],
    };
    const create = 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { scopeUnitCodes } }';
    const refused = await server.admin(steward, create, { input: { ...input, scopeUnitCodes: ['14755'] } });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors![0]!.message).toMatch(/14755 \(Điện Biên\) ended on 2025-06-30; it was replaced by 40778/);
    const accepted = await server.admin(steward, create, { input: { ...input, scopeUnitCodes: ['40778'] } });
    expect(accepted.data).toEqual({ createGrant: { scopeUnitCodes: ['40778'] } });
  });

  it('pages through every unit, at most 50 a page, those in force first, each once', async () => {
    const seen: UnitRow[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response = await ask(steward, { first: 50, after });
      const page = response.data!.administrativeUnits;
      expect(page.units.length).toBeLessThanOrEqual(50);
      expect(page.total).toBe(228);
      seen.push(...page.units);
      pages += 1;
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(pages).toBe(5);
    expect(new Set(seen.map((row) => row.code)).size).toBe(228);
    const firstEnded = seen.findIndex((row) => row.status !== 'IN_FORCE');
    expect(seen.slice(firstEnded).every((row) => row.status !== 'IN_FORCE')).toBe(true);
    const communesInForce = await ask(steward, { level: 'COMMUNE', inForceOnly: true, first: 1 });
    expect(communesInForce.data!.administrativeUnits).toMatchObject({ total: 166, hasNextPage: true });
    expect((await ask(steward, {})).data!.administrativeUnits.units).toHaveLength(20);
  });

  it('refuses a page over 50, a search over 120 characters, an unknown level and a foreign cursor with BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 51 }, { first: 0 }, { search: 'x'.repeat(121) }, { level: 'HAMLET' }, { after: 'bm90LWEtY3Vyc29y' }]) {
      const response = await ask(steward, variables);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data ?? null).toBeNull();
    }
  });

  it('is refused to a key officer, who grants nothing', async () => {
    const response = await ask(keyOfficer, { search: 'hac' });
    expect(response.status).toBe(403);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });
});
