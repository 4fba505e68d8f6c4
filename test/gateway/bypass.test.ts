import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { KeyLike } from 'jose';
import { getIntrospectionQuery } from 'graphql';
import { byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import type { CitizenRow } from '../../db/rows';
import { DEMO_COMMUNE_CODE } from '../../gateway/store/demo';
import type { Actor } from '../../gateway/store/types';
import { startGatewayService } from '../../system/platform';
import type { RunningGateway } from '../../system/platform';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform, testAuditConfig } from '../helpers/platform';

const STEWARD: Actor = { kind: 'SYSTEM', task: 'test' };
const HOSPITAL = 'H56.15.01';
const POLICE = 'H56.01';
const LAND_OFFICE = 'H56.20';
const COMMUNE = `H56.99.${DEMO_COMMUNE_CODE}`;
const ISSUER = 'https://idp.thanhhoa.gov.vn';
const AUDIENCE = 'data-sharing-platform';

function denied(response: GraphQLResponse): string[] {
  return (response.errors?.[0]?.extensions?.denied ?? []).map((entry: { field: string }) => entry.field).sort();
}

describe('access policy against bypass attempts', () => {
  let seeded: SeededPlatform;
  let jwksDirectory: string;
  let privateKey: KeyLike;
  let resident: CitizenRow;
  let outsider: CitizenRow;
  let url: string;

  const as = (agency: string, purpose: Parameters<typeof asAgency>[1]) => asAgency(seeded.demoKeys.get(agency)!, purpose);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    jwksDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-jwks-'));
    const jwksFile = path.join(jwksDirectory, 'jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] }));
    seeded = await startSeededPlatform(600, { jwt: { issuer: ISSUER, audience: AUDIENCE, agencyClaim: 'agency_code', jwksUrl: null, jwksFile } });
    url = seeded.platform.gateway.url;
    const { population, land } = seeded.databases.databases;
    const owners = (await land('ownership_shares').distinct('national_id')).map((row) => row.national_id as string);
    resident = (await population<CitizenRow>('citizens').where('current_unit_code', DEMO_COMMUNE_CODE).whereIn('national_id', owners).first())!;
    outsider = (await population<CitizenRow>('citizens').whereNot('current_unit_code', DEMO_COMMUNE_CODE).whereIn('national_id', owners).first())!;
  });

  afterAll(async () => {
    await seeded?.stop();
    fs.rmSync(jwksDirectory, { recursive: true, force: true });
  });

  it('aliases do not hide a field', async () => {
    const response = await postGraphQL(
      url,
      `query ($id: ID!) { who: citizen(nationalId: $id) { name: fullName land: landParcels { n: parcelNumber } } }`,
      { id: resident.national_id },
      as(HOSPITAL, 'MEDICAL_TREATMENT'),
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(denied(response)).toEqual(['Citizen.landParcels', 'LandParcel.parcelNumber']);
  });

  it('named fragments, nested and reused, do not hide a field', async () => {
    const response = await postGraphQL(
      url,
      `query ($id: ID!) { citizen(nationalId: $id) { ...Outer } } fragment Outer on Citizen { fullName ...Inner } fragment Inner on Citizen { encounters { diagnosisCode } }`,
      { id: resident.national_id },
      as(POLICE, 'INVESTIGATION'),
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(denied(response)).toEqual(expect.arrayContaining(['Citizen.encounters', 'Encounter.diagnosisCode']));
  });

  it('inline fragments on an interface do not hide a field', async () => {
    const response = await postGraphQL(
      url,
      `query ($id: ID!) { citizen(nationalId: $id) { healthEvents { date ... on Encounter { diagnosisCode } } } }`,
      { id: resident.national_id },
      as(POLICE, 'INVESTIGATION'),
    );
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(denied(response)).toEqual(expect.arrayContaining(['Encounter.date', 'Encounter.diagnosisCode', 'HealthEvent.date', 'Vaccination.date']));
  });

  it("reaching Citizen's personal fields from a land or health root query is decided like any other path", async () => {
    const { land, health } = seeded.databases.databases;
    const parcel = await land('parcels').where('commune_code', DEMO_COMMUNE_CODE).first();
    const fromLand = await postGraphQL(
      url,
      `query ($commune: String!, $sheet: Int!, $number: Int!) { landParcel(communeCode: $commune, mapSheetNumber: $sheet, parcelNumber: $number) { owners { owner { fullName ethnicity } } } }`,
      { commune: parcel.commune_code, sheet: parcel.map_sheet_number, number: parcel.parcel_number },
      as(LAND_OFFICE, 'LAND_REGISTRATION'),
    );
    expect(errorCodes(fromLand)).toEqual(['FORBIDDEN']);
    expect(denied(fromLand)).toEqual(['Citizen.ethnicity']);

    const card = await health('insurance_cards').first();
    const fromHealth = await postGraphQL(
      url,
      `query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) { holder { fullName landParcels { parcelNumber } } } }`,
      { number: card.social_insurance_number },
      as(HOSPITAL, 'MEDICAL_TREATMENT'),
    );
    expect(errorCodes(fromHealth)).toEqual(['FORBIDDEN']);
    expect(denied(fromHealth)).toEqual(['Citizen.landParcels', 'LandParcel.parcelNumber']);
  });

  it('a subgraph called directly, without the gateway, refuses', async () => {
    for (const sector of ['population', 'land', 'health', 'education'] as const) {
      const plain = await postGraphQL(seeded.platform.subgraphs[sector].url, '{ _service { sdl } }');
      expect(plain.status).toBe(401);
      expect(errorCodes(plain)).toEqual(['UNAUTHENTICATED']);
      const entities = await postGraphQL(seeded.platform.subgraphs[sector].url, 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
        r: [{ __typename: 'Citizen', nationalId: resident.national_id }],
      });
      expect(entities.status).toBe(401);
    }
  });

  it('_entities sent to the gateway is not part of its schema', async () => {
    const response = await postGraphQL(
      url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { fullName } } }',
      { r: [{ __typename: 'Citizen', nationalId: resident.national_id }] },
      as(POLICE, 'INVESTIGATION'),
    );
    expect(errorCodes(response).length).toBeGreaterThan(0);
    expect(new Set(errorCodes(response))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(response.data).toBeUndefined();
    expect(JSON.stringify(response)).not.toContain(resident.full_name);
  });

  it('an expired grant opens nothing', async () => {
    const stewardship = seeded.platform.stewardship;
    await stewardship.createAgency(STEWARD, { code: 'H56.30', name: 'Sở Giáo dục và Đào tạo', sector: 'education', unitCodes: [] });
    const validTo = new Date(Date.now() + 1500).toISOString();
    for (const coordinate of ['Query.citizen', 'Citizen.fullName']) {
      await stewardship.createGrant(STEWARD, {
        agencyCode: 'H56.30',
        target: { kind: 'FIELD', coordinate },
        purposes: ['EDUCATION_ADMISSION'],
        legalBasis: 'Luật Giáo dục 2019',
        legalInstruments: ['43/2019/QH14'],
        validTo,
      });
    }
    const key = (await stewardship.createApiKey(STEWARD, { agencyCode: 'H56.30' })).key;
    const query = 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }';
    const before = await postGraphQL(url, query, { id: resident.national_id }, asAgency(key, 'EDUCATION_ADMISSION'));
    expect(before.data).toEqual({ citizen: { fullName: resident.full_name } });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(validTo) - Date.now() + 50));
    const after = await postGraphQL(url, query, { id: resident.national_id }, asAgency(key, 'EDUCATION_ADMISSION'));
    expect(errorCodes(after)).toEqual(['FORBIDDEN']);
    expect(denied(after)).toEqual(['Citizen.fullName', 'Query.citizen']);
  });

  it('a revoked key is refused at once', async () => {
    const stewardship = seeded.platform.stewardship;
    const issued = await stewardship.createApiKey(STEWARD, { agencyCode: POLICE });
    const query = 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }';
    expect((await postGraphQL(url, query, { id: resident.national_id }, asAgency(issued.key, 'INVESTIGATION'))).errors).toBeUndefined();
    await stewardship.revokeApiKey(STEWARD, issued.credential.id);
    const after = await postGraphQL(url, query, { id: resident.national_id }, asAgency(issued.key, 'INVESTIGATION'));
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });

  describe('agency tokens from the identity provider', () => {
    const query = 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }';
    const token = (claims: Record<string, unknown> = {}) =>
      new SignJWT({ agency_code: HOSPITAL, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('officer-17')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    const withToken = (jwt: string) => ({ authorization: `Bearer ${jwt}`, 'x-purpose': 'MEDICAL_TREATMENT' });

    it('a valid token is accepted', async () => {
      const response = await postGraphQL(url, query, { id: resident.national_id }, withToken(await token()));
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ citizen: { fullName: resident.full_name } });
    });

    it('a tampered token is refused', async () => {
      const [header, payload, signature] = (await token()).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, agency_code: POLICE })).toString('base64url');
      const response = await postGraphQL(url, query, { id: resident.national_id }, withToken(`${header}.${forged}.${signature}`));
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });

    it('a token with alg none is refused', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', agency_code: POLICE, iat: now, exp: now + 300 })).toString(
        'base64url',
      );
      const response = await postGraphQL(url, query, { id: resident.national_id }, withToken(`${header}.${payload}.`));
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    });
  });

  it('an out-of-scope ID gets exactly the answer an unknown ID gets', async () => {
    const query = 'query ($id: ID!) { citizen(nationalId: $id) { fullName landParcels { parcelNumber } } }';
    const commune = as(COMMUNE, 'PUBLIC_SERVICE');
    const unknownId = `${outsider.national_id.slice(0, 6)}999999`;
    const outOfScope = await postGraphQL(url, query, { id: outsider.national_id }, commune);
    const unknown = await postGraphQL(url, query, { id: unknownId }, commune);
    expect(outOfScope).toEqual(unknown);
    expect(outOfScope).toEqual({ status: 200, data: { citizen: null } });
  });

  it('filtering or sorting by a masked field is refused', async () => {
    // The land office sees national IDs masked; were it granted the search by name, which sorts by them:
    const searching = await seeded.platform.stewardship.createGrant(
      { kind: 'SYSTEM', task: 'test' },
      {
        agencyCode: LAND_OFFICE,
        target: { kind: 'FIELD', coordinate: 'Query.citizensByNamePrefix' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Test fixture',
        legalInstruments: ['47/2020/NĐ-CP'],
      },
    );
    try {
      const response = await postGraphQL(url, '{ citizensByNamePrefix(prefix: "nguyen") { nodes { fullName } } }', {}, as(LAND_OFFICE, 'LAND_REGISTRATION'));
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      const entry = (response.errors![0]!.extensions!.denied as Array<{ field: string; reason: string }>).find(
        (item) => item.field === 'Query.citizensByNamePrefix',
      );
      expect(entry?.reason).toMatch(/mask/i);
    } finally {
      await seeded.platform.stewardship.revokeGrant({ kind: 'SYSTEM', task: 'test' }, searching.id);
    }
  });

  it('introspection shows each caller only the fields it may read', async () => {
    const fieldsOf = async (headers: Record<string, string>, typeName: string) => {
      const response = await postGraphQL(url, getIntrospectionQuery(), {}, headers);
      expect(response.errors).toBeUndefined();
      const type = response.data!.__schema.types.find((candidate: { name: string }) => candidate.name === typeName);
      return type ? type.fields.map((field: { name: string }) => field.name).sort() : null;
    };
    const anonymousQuery = await fieldsOf({}, 'Query');
    expect(anonymousQuery).toEqual(expect.arrayContaining(['school', 'schoolsByCommune', 'healthFacility', 'administrativeUnit']));
    expect(anonymousQuery).not.toContain('citizen');
    expect(await fieldsOf({}, 'Citizen')).toBeNull();
    const hospitalCitizen = await fieldsOf(as(HOSPITAL, 'MEDICAL_TREATMENT'), 'Citizen');
    expect(hospitalCitizen).toEqual(expect.arrayContaining(['fullName', 'dateOfBirth', 'encounters', 'vaccinations']));
    expect(hospitalCitizen).not.toContain('landParcels');
    expect(hospitalCitizen).not.toContain('ethnicity');
  });

  it('introspection mixed with data fields is refused', async () => {
    const response = await postGraphQL(url, '{ __schema { types { name } } school(code: "38TH40778A") { name } }');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  describe('policy changes and filter mode on other running gateways', () => {
    let second: RunningGateway;
    const auditDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-'));
    beforeAll(async () => {
      second = await startGatewayService(
        seeded.databases.databases.gateway,
        byBuiltInSector((sector) => seeded.platform.subgraphs[sector].url),
        {
          ...loadConfig({}),
          gatewayPort: 0,
          signingKey: seeded.signingKey,
          policy: { mode: 'filter', refreshMs: 500 },
          jwt: null,
          audit: testAuditConfig(auditDirectory, 'gateway-2'),
        },
      );
    });
    afterAll(async () => {
      await second?.stop();
      fs.rmSync(auditDirectory, { recursive: true, force: true });
    });

    it('in filter mode, nulls the denied fields that executed and leaves alone those @skip ruled out', async () => {
      const query = `query ($id: ID!, $hide: Boolean!) {
        a: citizen(nationalId: $id) { fullName landParcels @skip(if: $hide) { parcelNumber } }
        b: citizen(nationalId: $id) { landParcels { parcelNumber } }
      }`;
      const response = await postGraphQL(second.gateway.url, query, { id: resident.national_id, hide: true }, as(HOSPITAL, 'MEDICAL_TREATMENT'));
      expect(response.data).toEqual({ a: { fullName: resident.full_name }, b: { landParcels: null } });
      expect(response.errors?.map((error) => error.path)).toEqual([['b', 'landParcels']]);
    });

    it('a grant made through one gateway takes effect on another within 5 seconds, without a restart', async () => {
      const query = 'query ($id: ID!) { citizen(nationalId: $id) { fullName dateOfBirth sex } }';
      const hospital = as(HOSPITAL, 'HEALTH_INSURANCE');
      const before = await postGraphQL(second.gateway.url, query, { id: resident.national_id }, hospital);
      expect(before.data).toEqual({ citizen: { fullName: resident.full_name, dateOfBirth: resident.date_of_birth, sex: resident.sex } });
      const grants = await seeded.platform.stewardship.listGrants({ agencyCode: HOSPITAL });
      const sexGrant = grants.find((grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'Citizen.sex')!;
      const started = Date.now();
      await seeded.platform.stewardship.revokeGrant(STEWARD, sexGrant.id);
      let after: GraphQLResponse;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await postGraphQL(second.gateway.url, query, { id: resident.national_id }, hospital);
      } while (after.data?.citizen?.sex !== null && Date.now() - started < 6000);
      expect(Date.now() - started).toBeLessThan(5000);
      // Filter mode: the revoked field comes back null with a FORBIDDEN error; the rest still answers.
      expect(after.data).toEqual({ citizen: { fullName: resident.full_name, dateOfBirth: resident.date_of_birth, sex: null } });
      expect(after.errors).toEqual([
        expect.objectContaining({ path: ['citizen', 'sex'], extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Citizen.sex' }) }),
      ]);
    });
  });
});
