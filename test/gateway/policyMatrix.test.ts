import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import { applyMask } from '../../common/masks';
import { startGatewayService } from '../../system/platform';
import type { CitizenRow } from '../../db/rows';
import { DEMO_COMMUNE_CODE } from '../../gateway/store/demo';
import type { Purpose } from '../../gateway/policy/types';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { gatewayDatabaseToLose } from '../helpers/relay';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform, testAuditConfig } from '../helpers/platform';

/** The demo agencies, each with the purpose its grants name. */
const CALLERS = {
  anonymous: { code: null, purpose: null },
  police: { code: 'H56.01', purpose: 'INVESTIGATION' },
  landOffice: { code: 'H56.20', purpose: 'LAND_REGISTRATION' },
  hospital: { code: 'H56.15.01', purpose: 'MEDICAL_TREATMENT' },
  commune: { code: `H56.99.${DEMO_COMMUNE_CODE}`, purpose: 'PUBLIC_SERVICE' },
  steward: { code: 'H56.10', purpose: 'STATISTICS' },
} as const satisfies Record<string, { code: string | null; purpose: Purpose | null }>;
type Caller = keyof typeof CALLERS;

const IDENTITY = 'query Identity($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth } }';
const PARCELS = 'query Parcels($id: ID!) { citizen(nationalId: $id) { landParcels { communeCode parcelNumber } } }';
const ENCOUNTERS = 'query Encounters($id: ID!) { citizen(nationalId: $id) { encounters { diagnosisCode } } }';
const VACCINATIONS = 'query Vaccinations($id: ID!) { citizen(nationalId: $id) { vaccinations { vaccine } } }';
const SCHOOL = 'query School($code: String!) { school(code: $code) { name level } }';

describe('access policy: each demo agency × each operation', () => {
  let seeded: SeededPlatform;
  let resident: CitizenRow;
  let outsider: CitizenRow;
  let schoolCode: string;

  const ask = (caller: Caller, query: string, variables: Record<string, unknown>, purpose?: Purpose | null): Promise<GraphQLResponse> => {
    const { code, purpose: usual } = CALLERS[caller];
    const headers = code === null ? {} : asAgency(seeded.demoKeys.get(code)!, purpose === undefined ? usual : purpose);
    return postGraphQL(seeded.platform.gateway.url, query, variables, headers);
  };

  beforeAll(async () => {
    seeded = await startSeededPlatform(600);
    const { population, land, education } = seeded.databases.databases;
    const owners = (await land('ownership_shares').distinct('national_id')).map((row) => row.national_id as string);
    resident = (await population<CitizenRow>('citizens')
      .where('current_unit_code', DEMO_COMMUNE_CODE)
      .whereIn('national_id', owners)
      .orderBy('national_id')
      .first())!;
    outsider = (await population<CitizenRow>('citizens')
      .whereNot('current_unit_code', DEMO_COMMUNE_CODE)
      .whereIn('national_id', owners)
      .orderBy('national_id')
      .first())!;
    schoolCode = (await education('schools').orderBy('code').first()).code;
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  function deniedFields(response: GraphQLResponse): string[] {
    return (response.errors?.[0]?.extensions?.denied ?? []).map((entry: { field: string }) => entry.field).sort();
  }

  it.each(Object.keys(CALLERS) as Caller[])('open data is for everyone: %s reads a school', async (caller) => {
    const response = await ask(caller, SCHOOL, { code: schoolCode });
    expect(response.errors).toBeUndefined();
    expect(response.data?.school).toEqual({ name: expect.any(String), level: expect.any(String) });
  });

  it.each([
    ['police', 'full', 'full'],
    ['hospital', 'full', 'full'],
    ['landOffice', 'masked', 'masked'],
    ['commune', 'full', 'null'],
  ] as const)('%s reads identity: the resident %s, the outsider %s', async (caller, residentView, outsiderView) => {
    const expected = (row: CitizenRow, view: 'full' | 'masked' | 'null') =>
      view === 'null'
        ? null
        : view === 'full'
          ? { nationalId: row.national_id, fullName: row.full_name, dateOfBirth: row.date_of_birth }
          : { nationalId: applyMask(row.national_id, 'PARTIAL_ID'), fullName: row.full_name, dateOfBirth: row.date_of_birth.slice(0, 4) };
    for (const [row, view] of [
      [resident, residentView],
      [outsider, outsiderView],
    ] as const) {
      const response = await ask(caller, IDENTITY, { id: row.national_id });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ citizen: expected(row, view) });
    }
  });

  it.each([
    ['anonymous', 'ANONYMOUS_OPEN_ONLY'],
    ['steward', 'DEFAULT_DENY'],
  ] as const)('%s may not read identity (%s)', async (caller, rule) => {
    const response = await ask(caller, IDENTITY, { id: resident.national_id });
    expect(response.status).toBe(403);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.data).toBeUndefined();
    expect(deniedFields(response)).toEqual(['Citizen.dateOfBirth', 'Citizen.fullName', 'Citizen.nationalId', 'Query.citizen']);
    expect(response.errors![0]!.extensions!.denied.every((entry: { rule: string }) => entry.rule === rule)).toBe(true);
  });

  it('a request for personal data without a purpose is refused with PURPOSE_REQUIRED', async () => {
    const response = await ask('police', IDENTITY, { id: resident.national_id }, null);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['PURPOSE_REQUIRED']);
  });

  it('a purpose the grant does not name is refused, with the grant that would be needed', async () => {
    const response = await ask('landOffice', IDENTITY, { id: resident.national_id }, 'MEDICAL_TREATMENT');
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    const denied = response.errors![0]!.extensions!.denied as Array<{ field: string; rule: string; neededGrant: string }>;
    expect(denied.find((entry) => entry.field === 'Citizen.fullName')).toMatchObject({
      rule: 'PURPOSE_NOT_GRANTED',
      neededGrant: expect.stringContaining('MEDICAL_TREATMENT'),
    });
  });

  it('parcels: the land office reads its own sector, the commune only parcels in its ward, the hospital nothing', async () => {
    const { land } = seeded.databases.databases;
    const parcelsOf = async (nationalId: string, commune?: string) => {
      const query = land('parcels').join('ownership_shares', 'ownership_shares.parcel_id', 'parcels.id').where('ownership_shares.national_id', nationalId);
      if (commune) query.where('parcels.commune_code', commune);
      return (await query.select('parcels.parcel_number')).map((row) => row.parcel_number as number).sort((a, b) => a - b);
    };
    const numbers = (response: GraphQLResponse) =>
      (response.data?.citizen?.landParcels ?? []).map((parcel: { parcelNumber: number }) => parcel.parcelNumber).sort((a: number, b: number) => a - b);

    const byLandOffice = await ask('landOffice', PARCELS, { id: resident.national_id });
    expect(byLandOffice.errors).toBeUndefined();
    expect(numbers(byLandOffice)).toEqual(await parcelsOf(resident.national_id));

    const byCommune = await ask('commune', PARCELS, { id: resident.national_id });
    expect(byCommune.errors).toBeUndefined();
    expect(numbers(byCommune)).toEqual(await parcelsOf(resident.national_id, DEMO_COMMUNE_CODE));
    expect(byCommune.data!.citizen.landParcels.every((parcel: { communeCode: string }) => parcel.communeCode === DEMO_COMMUNE_CODE)).toBe(true);

    const byHospital = await ask('hospital', PARCELS, { id: resident.national_id });
    expect(errorCodes(byHospital)).toEqual(['FORBIDDEN']);
    expect(deniedFields(byHospital)).toEqual(['Citizen.landParcels', 'LandParcel.communeCode', 'LandParcel.parcelNumber']);
  });

  it("encounters (INTERNAL, SENSITIVE) are the health sector's alone", async () => {
    const byHospital = await ask('hospital', ENCOUNTERS, { id: resident.national_id });
    expect(byHospital.errors).toBeUndefined();
    expect(Array.isArray(byHospital.data!.citizen.encounters)).toBe(true);
    for (const caller of ['police', 'landOffice', 'commune'] as const) {
      const response = await ask(caller, ENCOUNTERS, { id: resident.national_id });
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      const denied = response.errors![0]!.extensions!.denied as Array<{ field: string; rule: string; neededGrant: string | null }>;
      expect(denied.find((entry) => entry.field === 'Encounter.diagnosisCode')).toEqual(
        expect.objectContaining({ rule: 'INTERNAL_OWNER_ONLY', neededGrant: null }),
      );
    }
  });

  it('vaccinations (SENSITIVE) need a field-level grant: a classification grant does not open them', async () => {
    const response = await ask('police', VACCINATIONS, { id: resident.national_id });
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    const denied = response.errors![0]!.extensions!.denied as Array<{ field: string; rule: string }>;
    expect(denied.find((entry) => entry.field === 'Citizen.vaccinations')).toMatchObject({ rule: 'SENSITIVE_NEEDS_FIELD_GRANT' });
    const byHospital = await ask('hospital', VACCINATIONS, { id: resident.national_id });
    expect(byHospital.errors).toBeUndefined();
  });

  it('a steward can ask why, and gets the same decision the gateway enforced', async () => {
    const decision = await seeded.platform.stewardship.explain({ agencyCode: 'H56.15.01', purpose: 'MEDICAL_TREATMENT', query: PARCELS });
    expect(decision.allowed).toBe(false);
    expect(
      decision.fields
        .filter((field) => field.effect === 'DENY')
        .map((field) => field.coordinate)
        .sort(),
    ).toEqual(['Citizen.landParcels', 'LandParcel.communeCode', 'LandParcel.parcelNumber']);
    expect(decision.policyVersion).toBe(seeded.platform.policyCache.current().version);
  });

  describe('audit trail', () => {
    /** Given the sequence number to start after, waits until `count` records follow it and returns them. */
    async function recordsAfter(seq: number, count: number) {
      const { gateway } = seeded.databases.databases;
      const deadline = Date.now() + 3000;
      for (;;) {
        const rows = await gateway('audit_records').where('instance', seeded.platform.auditLog.instance).where('seq', '>', seq).orderBy('seq');
        if (rows.length >= count || Date.now() > deadline) return rows;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    it('records every access exactly once, with the citizens whose data was returned', async () => {
      const start = seeded.platform.auditLog.chainHead().seq;
      const requests: Array<[Caller, string, Record<string, unknown>, { agency: string | null; outcome: string; citizens: string[] }]> = [
        ['anonymous', SCHOOL, { code: schoolCode }, { agency: null, outcome: 'ALLOWED', citizens: [] }],
        ['landOffice', IDENTITY, { id: resident.national_id }, { agency: 'H56.20', outcome: 'ALLOWED', citizens: [resident.national_id] }],
        ['commune', IDENTITY, { id: outsider.national_id }, { agency: CALLERS.commune.code, outcome: 'ALLOWED', citizens: [] }],
        ['hospital', PARCELS, { id: resident.national_id }, { agency: 'H56.15.01', outcome: 'DENIED', citizens: [] }],
        [
          'police',
          'query Pair($a: ID!, $b: ID!) { a: citizen(nationalId: $a) { fullName } b: citizen(nationalId: $b) { fullName } }',
          { a: resident.national_id, b: outsider.national_id },
          { agency: 'H56.01', outcome: 'ALLOWED', citizens: [resident.national_id, outsider.national_id].sort() },
        ],
      ];
      for (const [caller, query, variables] of requests) await ask(caller, query, variables);
      const records = await recordsAfter(start, requests.length);
      expect(records).toHaveLength(requests.length);
      records.forEach((record, index) => {
        const expected = requests[index]![3];
        expect({ agency: record.agency_code, outcome: record.outcome, citizens: JSON.parse(record.citizen_ids_json).sort() }).toEqual(expected);
      });
      // The land office saw a masked national ID; the trail keeps the real one, and the response never carries the probe.
      const masked = await ask('landOffice', IDENTITY, { id: resident.national_id });
      expect(JSON.stringify(masked)).not.toContain('__auditNationalId');
      expect(masked.data!.citizen.nationalId).not.toBe(resident.national_id);
    });

    it('a request with a credential that is refused is recorded too', async () => {
      const start = seeded.platform.auditLog.chainHead().seq;
      const response = await postGraphQL(
        seeded.platform.gateway.url,
        SCHOOL,
        { code: schoolCode },
        { authorization: 'Bearer dsp_aaaaaaaa_not-a-real-secret-not-a-real-secret-not-a-real' },
      );
      expect(response.status).toBe(401);
      const [record] = await recordsAfter(start, 1);
      expect(record).toMatchObject({ agency_code: null, outcome: 'DENIED', error_code: 'UNAUTHENTICATED' });
    });
  });

  it('fails closed when the audit store is unreachable: personal data is withheld, open data keeps flowing', async () => {
    const auditDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-'));
    const database = await gatewayDatabaseToLose(seeded.databases.config);
    const service = await startGatewayService(
      database.db,
      byBuiltInSector((sector) => seeded.platform.subgraphs[sector].url),
      {
        ...loadConfig({}),
        gatewayPort: 0,
        signingKey: seeded.signingKey,
        jwt: null,
        audit: testAuditConfig(auditDirectory, 'gateway-unreachable'),
      },
    );
    try {
      await database.loseIt();
      const headers = asAgency(seeded.demoKeys.get('H56.01')!, 'INVESTIGATION');
      const personal = await postGraphQL(service.gateway.url, IDENTITY, { id: resident.national_id }, headers);
      expect(personal.status).toBe(503);
      expect(errorCodes(personal)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(personal.data).toBeUndefined();
      expect(JSON.stringify(personal)).not.toContain(resident.full_name);
      const open = await postGraphQL(service.gateway.url, SCHOOL, { code: schoolCode });
      expect(open.errors).toBeUndefined();
      expect(open.data?.school).toEqual({ name: expect.any(String), level: expect.any(String) });
    } finally {
      await service.stop().catch(() => undefined);
      await database.close();
      fs.rmSync(auditDirectory, { recursive: true, force: true });
    }
  });
});
