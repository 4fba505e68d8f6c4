import type { CitizenRow } from '../../db/rows';
import { PURPOSES } from '../../gateway/policy/types';
import type { Purpose } from '../../gateway/policy/types';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

const HOSPITAL = 'H56.15.01';
const LAND_OFFICE = 'H56.20';

/** The hospital reads identity, not parcels: landParcels decides each request below. */
const PARCELS_UNLESS = `query Person($id: ID!, $hide: Boolean!) {
  citizen(nationalId: $id) {
    fullName
    landParcels @skip(if: $hide) { parcelNumber }
    ... on Citizen @include(if: $show) { parcels: landParcels { communeCode } }
    ...Parcels @skip(if: $hide)
  }
}
fragment Parcels on Citizen { landParcels { areaSquareMeters } }`;
const WITH_SHOW = PARCELS_UNLESS.replace('$hide: Boolean!)', '$hide: Boolean!, $show: Boolean = false)');

describe('policy enforcement at the gateway', () => {
  let seeded: SeededPlatform;
  let citizen: CitizenRow;

  const ask = (agency: string | null, query: string, variables: Record<string, unknown>, purpose: Purpose | null): Promise<GraphQLResponse> =>
    postGraphQL(seeded.platform.gateway.url, query, variables, agency === null ? {} : asAgency(seeded.demoKeys.get(agency)!, purpose));

  beforeAll(async () => {
    seeded = await startSeededPlatform(120);
    citizen = (await seeded.databases.databases.population<CitizenRow>('citizens').orderBy('national_id').first())!;
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  describe('decides on what can execute for the given variables', () => {
    it('answers when what the caller may not read is skipped, and refuses the same operation when it is not', async () => {
      const skipped = await ask(HOSPITAL, WITH_SHOW, { id: citizen.national_id, hide: true }, 'MEDICAL_TREATMENT');
      expect(skipped.errors).toBeUndefined();
      expect(skipped.data).toEqual({ citizen: { fullName: citizen.full_name } });
      // The same text again, with other variables: the caches must not hand back the first decision.
      for (const variables of [{ hide: false }, { hide: true, show: true }]) {
        const read = await ask(HOSPITAL, WITH_SHOW, { id: citizen.national_id, ...variables }, 'MEDICAL_TREATMENT');
        expect(read.status).toBe(403);
        expect(errorCodes(read)).toEqual(['FORBIDDEN']);
        expect(read.errors![0]!.extensions!.denied.map((entry: { field: string }) => entry.field)).toContain('Citizen.landParcels');
      }
      const again = await ask(HOSPITAL, WITH_SHOW, { id: citizen.national_id, hide: true }, 'MEDICAL_TREATMENT');
      expect(again.data).toEqual({ citizen: { fullName: citizen.full_name } });
    });

    it('never lets a field through undecided on a missing or invalid condition', async () => {
      for (const variables of [{}, { hide: null }, { hide: 'true' }, { hide: 1 }]) {
        const response = await ask(
          HOSPITAL,
          PARCELS_UNLESS.replace('$hide: Boolean!)', '$hide: Boolean!, $show: Boolean!)'),
          { id: citizen.national_id, show: false, ...variables },
          'MEDICAL_TREATMENT',
        );
        expect(response.data ?? null).toBeNull();
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      }
    });

    it('in the audit trail, records the fields that were decided', async () => {
      const dossierId = `skip-${Date.now()}`;
      const headers = asAgency(seeded.demoKeys.get(HOSPITAL)!, 'MEDICAL_TREATMENT', { 'x-dossier-id': dossierId });
      const response = await postGraphQL(seeded.platform.gateway.url, WITH_SHOW, { id: citizen.national_id, hide: true }, headers);
      expect(response.errors).toBeUndefined();
      // With a journal (MySQL) the record reaches the database shortly after the answer.
      const deadline = Date.now() + 3000;
      let [record] = await seeded.databases.databases.gateway('audit_records').where('dossier_id', dossierId);
      while (!record && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        [record] = await seeded.databases.databases.gateway('audit_records').where('dossier_id', dossierId);
      }
      expect(JSON.parse(record.fields_json).map((field: { coordinate: string }) => field.coordinate)).toEqual([
        'Citizen.fullName',
        'Citizen.nationalId',
        'Query.citizen',
      ]);
    });
  });

  describe('introspection shows what the caller may read for the purpose it names', () => {
    const FIELDS_OF = 'query Fields($type: String!) { __type(name: $type) { fields { name } } }';
    const SCHEMA_FIELDS = '{ __schema { types { name fields { name } } } }';
    const fieldsOf = async (agency: string | null, type: string, purpose: Purpose | null): Promise<string[] | null> => {
      const response = await ask(agency, FIELDS_OF, { type }, purpose);
      expect(response.errors).toBeUndefined();
      return response.data!.__type === null ? null : response.data!.__type.fields.map((field: { name: string }) => field.name).sort();
    };
    const schemaFieldsOf = async (agency: string, type: string, purpose: Purpose | null): Promise<string[]> => {
      const response = await ask(agency, SCHEMA_FIELDS, {}, purpose);
      const found = response.data!.__schema.types.find((candidate: { name: string }) => candidate.name === type);
      return found ? found.fields.map((field: { name: string }) => field.name).sort() : [];
    };

    it('lists for STATISTICS no field of another sector the land office could only read for LAND_REGISTRATION', async () => {
      expect(await fieldsOf(LAND_OFFICE, 'Citizen', 'LAND_REGISTRATION')).toEqual(expect.arrayContaining(['fullName', 'nationalId', 'landParcels']));
      expect(await fieldsOf(LAND_OFFICE, 'Citizen', 'STATISTICS')).toEqual(['inScope', 'landParcels']);
      expect(await schemaFieldsOf(LAND_OFFICE, 'Citizen', 'STATISTICS')).toEqual(['inScope', 'landParcels']);
      const queries = await fieldsOf(LAND_OFFICE, 'Query', 'STATISTICS');
      expect(queries).toContain('landParcel');
      expect(queries).not.toContain('citizen');
      // What it lists, it reads, for that purpose.
      const parcel = await seeded.databases.databases
        .land('parcels')
        .join('ownership_shares', 'ownership_shares.parcel_id', 'parcels.id')
        .orderBy('parcels.id')
        .first('parcels.*');
      const read = await ask(
        LAND_OFFICE,
        'query ($c: String!, $m: Int!, $p: Int!) { landParcel(communeCode: $c, mapSheetNumber: $m, parcelNumber: $p) { owners { owner { landParcels { parcelNumber } } } } }',
        { c: parcel.commune_code, m: parcel.map_sheet_number, p: parcel.parcel_number },
        'STATISTICS',
      );
      expect(errorCodes(read)).toEqual([]);
      expect(read.data!.landParcel.owners.length).toBeGreaterThan(0);
    });

    it('with no purpose, lists what the caller may read for at least one purpose', async () => {
      const anyPurpose = await fieldsOf(HOSPITAL, 'Citizen', null);
      expect(anyPurpose).toEqual(expect.arrayContaining(['fullName', 'dateOfBirth', 'vaccinations']));
      expect(await fieldsOf(HOSPITAL, 'Citizen', 'LAND_REGISTRATION')).toEqual(expect.not.arrayContaining(['fullName']));
      expect(await schemaFieldsOf(HOSPITAL, 'Citizen', null)).toEqual(anyPurpose);
    });

    it('hides a type the caller may read nothing of for the purpose', async () => {
      expect(await fieldsOf(HOSPITAL, 'LandOwnership', 'MEDICAL_TREATMENT')).toBeNull();
      expect(await fieldsOf(null, 'Citizen', null)).toBeNull();
    });
  });

  describe('the demo agencies read what their procedures need, and no more', () => {
    const COMMUNE = 'H56.99.40778';
    const field = (name: string, selection = '') => `query ($id: ID!) { citizen(nationalId: $id) { ${name} ${selection} } }`;
    const deniedFor = async (agency: string, query: string, purposes: readonly Purpose[]) => {
      for (const purpose of purposes) {
        const response = await ask(agency, query, { id: resident.national_id }, purpose);
        expect([purpose, errorCodes(response)]).toEqual([purpose, ['FORBIDDEN']]);
      }
    };
    let resident: CitizenRow;

    beforeAll(async () => {
      resident = (await seeded.databases.databases.population<CitizenRow>('citizens').where('current_unit_code', '40778').orderBy('national_id').first())!;
    });

    it('the land office reads no health-insurance card and no diploma, for any purpose', async () => {
      await deniedFor(LAND_OFFICE, field('healthInsurance', '{ benefitLevel }'), PURPOSES);
      await deniedFor(LAND_OFFICE, field('diplomas', '{ serial }'), PURPOSES);
      const owners = await ask(LAND_OFFICE, field('fullName landParcels', '{ parcelNumber }'), { id: resident.national_id }, 'LAND_REGISTRATION');
      expect(errorCodes(owners)).toEqual([]);
    });

    it('the hospital reads no parcel, and the ward office no diploma, for any purpose', async () => {
      await deniedFor(HOSPITAL, field('landParcels', '{ parcelNumber }'), PURPOSES);
      await deniedFor(COMMUNE, field('diplomas', '{ serial }'), PURPOSES);
    });

    it("the ward office reads its residents' health-insurance cards for social support only", async () => {
      const card = await ask(COMMUNE, field('healthInsurance', '{ benefitLevel }'), { id: resident.national_id }, 'SOCIAL_SUPPORT');
      expect(errorCodes(card)).toEqual([]);
      await deniedFor(
        COMMUNE,
        field('healthInsurance', '{ benefitLevel }'),
        PURPOSES.filter((purpose) => purpose !== 'SOCIAL_SUPPORT'),
      );
    });
  });
});
