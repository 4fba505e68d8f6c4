import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { recordHash } from '../../gateway/audit/hashChain';
import { CITIZEN_SESSION_COOKIE } from '../../gateway/citizen/citizenRoutes';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

jest.setTimeout(120_000);

type Body = { errors?: Array<{ message: string; extensions?: { code?: string } }> } & Record<string, unknown>;
interface CopyItem {
  field: string;
  label: { vi: string; en: string };
  value: unknown;
}
interface Copy {
  nationalId: string;
  found: boolean;
  sections: Array<{ sector: string; items: CopyItem[] }>;
  unavailable: string[];
}

/** Given a value of any depth, returns every string in it that reads as a national ID. */
function nationalIdsIn(value: unknown): string[] {
  if (typeof value === 'string') return /^\d{12}$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(nationalIdsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(nationalIdsIn);
  return [];
}

const item = (copy: Copy, field: string) => copy.sections.flatMap((section) => section.items).find((candidate) => candidate.field === field)!.value;

describe("the citizen's copy of their data", () => {
  let seeded: SeededPlatform;
  let alice: string;
  let bob: string;
  const cookies = new Map<string, string>();

  const copyAs = async (cookie: string | null, path = '/citizen/api/copy', headers: Record<string, string> = {}) => {
    const response = await fetch(new URL(path, seeded.platform.gateway.url), { headers: { ...(cookie ? { cookie } : {}), ...headers } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
  };
  const sessionOf = async (nationalId: string) => {
    const opened = await seeded.platform.citizenSessions.open(nationalId);
    return `${CITIZEN_SESSION_COOKIE}=${opened.token}`;
  };
  const db = (sector: 'population' | 'land' | 'health' | 'education' | 'gateway'): Knex => seeded.databases.databases[sector];

  beforeAll(async () => {
    seeded = await startSeededPlatform(60);
    // Alice holds a share of a parcel with someone else: the co-owner's share is not hers to read.
    const shared = (await db('land')('ownership_shares').select('parcel_id').groupBy('parcel_id').havingRaw('count(*) > 1').orderBy('parcel_id').first()) as {
      parcel_id: number;
    };
    const [first, second] = (await db('land')('ownership_shares').where('parcel_id', shared.parcel_id).orderBy('national_id')) as Array<{
      national_id: string;
    }>;
    alice = first!.national_id;
    bob = second!.national_id;
    cookies.set(alice, await sessionOf(alice));
    cookies.set(bob, await sessionOf(bob));
  });
  afterAll(async () => {
    await seeded?.stop();
  });

  it('holds every sector of the citizen, under their labels, from their own rows only', async () => {
    const { status, body } = await copyAs(cookies.get(alice)!);
    expect(status).toBe(200);
    const copy = body as unknown as Copy;
    expect(copy.nationalId).toBe(alice);
    expect(copy.found).toBe(true);
    expect(copy.unavailable).toEqual([]);
    expect(copy.sections.map((section) => section.sector)).toEqual(['population', 'land', 'health', 'education']);
    expect(copy.sections[0]!.items.find((candidate) => candidate.field === 'fullName')!.label).toEqual({ vi: 'Họ và tên', en: 'Full name' });
    const person = (await db('population')('citizens').where('national_id', alice).first()) as { full_name: string; date_of_birth: string };
    expect(item(copy, 'fullName')).toBe(person.full_name);
    expect(item(copy, 'dateOfBirth')).toBe(person.date_of_birth);
    // Land: the parcels she holds a share in, each with her own share alone.
    const parcels = (await db('land')('ownership_shares').where('national_id', alice).orderBy('parcel_id')) as Array<{
      parcel_id: number;
      share_percent: number;
    }>;
    const landParcels = item(copy, 'landParcels') as Array<{ id: string; owners: Array<{ sharePercent: number }> }>;
    expect(landParcels.map((parcel) => Number(parcel.id))).toEqual(parcels.map((share) => share.parcel_id));
    for (const [index, parcel] of landParcels.entries()) expect(parcel.owners).toEqual([{ sharePercent: Number(parcels[index]!.share_percent) }]);
    // Health and education: counts as the databases hold them.
    const count = async (knex: Knex, table: string) =>
      Number(((await knex(table).where('national_id', alice).count({ n: '*' })) as Array<{ n: number }>)[0]!.n);
    expect(((item(copy, 'vaccinations') as unknown[] | null) ?? []).length).toBe(await count(db('health'), 'vaccinations'));
    expect(((item(copy, 'encounters') as unknown[] | null) ?? []).length).toBe(await count(db('health'), 'encounters'));
    expect(((item(copy, 'enrollments') as unknown[] | null) ?? []).length).toBe(await count(db('education'), 'enrollments'));
    expect(((item(copy, 'diplomas') as unknown[] | null) ?? []).length).toBe(await count(db('education'), 'diplomas'));
    const card = item(copy, 'healthInsurance') as { socialInsuranceNumber: string } | null;
    const cards = (await db('health')('insurance_cards').where('national_id', alice)) as Array<{ social_insurance_number: string }>;
    if (card) expect(cards.map((row) => row.social_insurance_number)).toContain(card.socialInsuranceNumber);
    else expect(cards).toEqual([]);
    // No one else's national ID anywhere in it.
    expect(new Set(nationalIdsIn(copy.sections))).toEqual(new Set([alice]));
  });

  it('is recorded in the audit trail as the citizen reading their own data, and shown on their page', async () => {
    await copyAs(cookies.get(alice)!);
    // The page's read has the gateway ship and index what it recorded first.
    const response = await fetch(new URL('/citizen/api/accesses', seeded.platform.gateway.url), { headers: { cookie: cookies.get(alice)! } });
    const { accesses } = (await response.json()) as { accesses: Array<{ ownCopy: boolean; purposeWords: { vi: string } | null }> };
    const records = (await db('gateway')('audit_records').where('caller_national_id', alice)) as Array<{
      agency_code: string | null;
      citizen_ids_json: string;
      outcome: string;
      operation_name: string;
    }>;
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) {
      expect(record).toMatchObject({ agency_code: null, outcome: 'ALLOWED', operation_name: 'CitizenDataCopy' });
      expect(JSON.parse(record.citizen_ids_json)).toEqual([alice]);
    }
    expect(accesses.filter((access) => access.ownCopy).length).toBe(records.length);
    expect(accesses.find((access) => access.ownCopy)!.purposeWords!.vi).toBe('Bạn đã tải bản sao dữ liệu của mình');
    // Bob's page does not show Alice's copy.
    const bobs = (await (await fetch(new URL('/citizen/api/accesses', seeded.platform.gateway.url), { headers: { cookie: cookies.get(bob)! } })).json()) as {
      accesses: Array<{ ownCopy: boolean }>;
    };
    expect(bobs.accesses.filter((access) => access.ownCopy)).toEqual([]);
  });

  it('offers the same copy as a JSON file', async () => {
    const { status, headers, body } = await copyAs(cookies.get(alice)!, '/citizen/api/copy?download=json');
    expect(status).toBe(200);
    expect(headers.get('content-disposition')).toMatch(/^attachment; filename="ban-sao-du-lieu-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(body.nationalId).toBe(alice);
  });

  it("never gives another citizen's copy: parameters and headers naming them change nothing", async () => {
    for (const [path, headers] of [
      [`/citizen/api/copy?nationalId=${bob}`, {}],
      [`/citizen/api/copy?id=${bob}&download=json`, {}],
      ['/citizen/api/copy', { 'x-national-id': bob, 'x-user-id': bob }],
      ['/citizen/api/copy', { authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}` }],
    ] as Array<[string, Record<string, string>]>) {
      const { status, body } = await copyAs(cookies.get(alice)!, path, headers);
      expect(status).toBe(200);
      expect(body.nationalId).toBe(alice);
      expect(new Set(nationalIdsIn((body as unknown as Copy).sections))).toEqual(new Set([alice]));
    }
    const bobs = await copyAs(cookies.get(bob)!);
    expect(new Set(nationalIdsIn((bobs.body as unknown as Copy).sections))).toEqual(new Set([bob]));
  });

  it('refuses without a session, with a forged or an ended one', async () => {
    expect((await copyAs(null)).status).toBe(401);
    const forged = await copyAs(`${CITIZEN_SESSION_COOKIE}=${randomBytes(32).toString('base64url')}`);
    expect([forged.status, forged.body.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const ended = await seeded.platform.citizenSessions.open(bob);
    await seeded.platform.citizenSessions.end(ended.session.id);
    expect((await copyAs(`${CITIZEN_SESSION_COOKIE}=${ended.token}`)).status).toBe(401);
  });

  it('is no way into /graphql: a citizen session there is the anonymous caller', async () => {
    const response = await fetch(new URL('/graphql', seeded.platform.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies.get(alice)! },
      body: JSON.stringify({ query: 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', variables: { id: bob } }),
    });
    const body = (await response.json()) as Body;
    expect(response.status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.data ?? null).toBeNull();
  });

  it("shows the officer's unit the agency named, and refuses another agency's unit", async () => {
    const read = (unit: string) =>
      fetch(new URL('/graphql', seeded.platform.gateway.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...asAgency(seeded.demoKeys.get('H56.20')!, 'LAND_REGISTRATION', { 'x-user-id': 'canbo.07', 'x-officer-unit': unit }),
        },
        body: JSON.stringify({ query: 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', variables: { id: alice } }),
      });
    expect((await read('H56.20.03')).status).toBe(200);
    const foreign = await read('H56.15.01');
    expect([foreign.status, ((await foreign.json()) as Body).errors?.[0]?.extensions?.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect((await read('not a unit')).status).toBe(400);
    const response = await fetch(new URL('/citizen/api/accesses?agency=H56.20', seeded.platform.gateway.url), { headers: { cookie: cookies.get(alice)! } });
    const { accesses } = (await response.json()) as { accesses: Array<{ officerUnit: { code: string; name: string | null } | null }> };
    expect(accesses.map((access) => access.officerUnit)).toEqual([{ code: 'H56.20.03', name: null }]);
    const stored = (await db('gateway')('audit_records').where('agency_code', 'H56.20').whereNotNull('officer_unit')) as Array<{
      officer_unit: string;
      user_id: string;
    }>;
    expect(stored.map((row) => [row.officer_unit, row.user_id])).toEqual([['H56.20.03', 'canbo.07']]);
    // The stewards' search and export name it too.
    const admin = await fetch(new URL('/admin', seeded.platform.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.10')!}` },
      body: JSON.stringify({
        query: '{ auditRecords(filter: { agencyCode: "H56.20" }) { nodes { officerUnit userId } } auditExport(filter: { agencyCode: "H56.20" }) }',
      }),
    });
    const { data } = (await admin.json()) as { data: { auditRecords: { nodes: Array<{ officerUnit: string | null }> }; auditExport: string } };
    expect(data.auditRecords.nodes.map((node) => node.officerUnit).filter(Boolean)).toEqual(['H56.20.03']);
    const [header, ...lines] = data.auditExport
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(lines.map((line) => line[header!.indexOf('officer_unit')]).filter(Boolean)).toEqual(['H56.20.03']);
  });

  it('leaves a chain whose every link holds, the units and the copies in it', async () => {
    await seeded.platform.auditLog.indexed();
    const rows = (await db('gateway')('audit_records').orderBy(['instance', 'seq'])) as AuditRecordRow[];
    expect(rows.some((row) => row.officer_unit === 'H56.20.03')).toBe(true);
    expect(rows.some((row) => row.caller_national_id === alice)).toBe(true);
    // A unit changed afterwards no longer matches its record's hash.
    const withUnit = rows.find((row) => row.officer_unit === 'H56.20.03')!;
    const { hash: _hash, ...unitContent } = {
      ...withUnit,
      seq: Number(withUnit.seq),
      row_count: Number(withUnit.row_count),
      latency_ms: Number(withUnit.latency_ms),
    };
    expect(recordHash({ ...unitContent, officer_unit: 'H56.20.04' })).not.toBe(withUnit.hash);
    for (const [index, row] of rows.entries()) {
      const { hash, field_set: _fieldSet, ...content } = { ...row, seq: Number(row.seq), row_count: Number(row.row_count), latency_ms: Number(row.latency_ms) };
      expect(recordHash({ ...content, field_set: row.field_set })).toBe(hash);
      if (index > 0 && rows[index - 1]!.instance === row.instance) expect(row.previous_hash).toBe(rows[index - 1]!.hash);
    }
  });
});
