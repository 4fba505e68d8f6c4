import type { RunningServer } from '../../common/subgraphServer';
import { LAND_USE_PURPOSE_CODES } from '../../common/vocabulary';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import type { AccessContext } from '../../common/accessContext';
import { citizenFixture, copyTables } from '../helpers/fixtures';
import { errorCodes } from '../helpers/graphql';
import type { SubgraphPost } from '../helpers/subgraphClient';
import { TEST_SIGNING_KEY, collectPages, subgraphClient } from '../helpers/subgraphClient';
import { LAND_OWNER_COUNT, certificateSerial, insertLand, parcelFixture, sharesFixture } from '../helpers/landFixtures';

const PARCEL_COUNT = 90;
/** The scope of the scoped caller: ward Quảng Phú, where one parcel in three lies. */
const SCOPE = ['40779'];
const parcelIndexes = Array.from({ length: PARCEL_COUNT }, (_, index) => index);

/** Given a national ID, returns the ids of the fixture parcels in which it holds a share, in id order. */
function parcelIdsOwnedBy(nationalId: string): string[] {
  return parcelIndexes
    .filter((index) => sharesFixture(index).some((share) => share.national_id === nationalId))
    .map((index) => String(parcelFixture(index).id));
}

describe('land subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;
  const post = subgraphClient(() => server, 'land');

  beforeAll(async () => {
    databases = await createTestDatabases();
    await insertLand(databases.databases.land, PARCEL_COUNT);
    server = await startSubgraph('land', { db: databases.databases.land, signingKey: TEST_SIGNING_KEY });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a parcel by its identifiers, with certificates, owners and numbers converted from DECIMAL', async () => {
    const response = await post(`query { landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 100) {
      id communeCode commune { code } mapSheetNumber parcelNumber areaSquareMeters landUsePurpose landUsePurposeName landUseUntil address
      certificates { serial issueDate issuingAuthority parcel { id } } owners { owner { nationalId } sharePercent } } }`);
    expect(response.errors).toBeUndefined();
    const owners = [citizenFixture(0).national_id, citizenFixture(500).national_id].sort();
    expect(response.data?.landParcel).toEqual({
      id: '1',
      communeCode: '40778',
      commune: { code: '40778' },
      mapSheetNumber: 1,
      parcelNumber: 100,
      areaSquareMeters: 120.5,
      landUsePurpose: 'ONT',
      landUsePurposeName: 'Đất ở tại nông thôn',
      landUseUntil: null,
      address: 'Thửa 100, tờ bản đồ 1, đường Lê Lợi',
      certificates: [
        { serial: 'BA 123456', issueDate: '1998-11-20', issuingAuthority: 'UBND thành phố Thanh Hóa', parcel: { id: '1' } },
        { serial: certificateSerial(0), issueDate: '2021-05-10', issuingAuthority: 'Sở Nông nghiệp và Môi trường tỉnh Thanh Hóa', parcel: { id: '1' } },
      ],
      owners: owners.map((nationalId) => ({ owner: { nationalId }, sharePercent: 50 })),
    });
  });

  it('returns the end date of a right granted for a term, and a sole owner with the full share', async () => {
    const response = await post(`query { landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 101) {
      landUsePurpose landUsePurposeName landUseUntil areaSquareMeters owners { owner { nationalId } sharePercent } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data?.landParcel).toEqual({
      landUsePurpose: 'LUC',
      landUsePurposeName: 'Đất chuyên trồng lúa',
      landUseUntil: '2064-07-01',
      areaSquareMeters: 121.5,
      owners: [{ owner: { nationalId: citizenFixture(1).national_id }, sharePercent: 100 }],
    });
  });

  it.each([
    ['an unknown parcel number', '{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 999) { id } }', 'landParcel'],
    ['a parcel of another commune', '{ landParcel(communeCode: "40779", mapSheetNumber: 1, parcelNumber: 100) { id } }', 'landParcel'],
    ['an unknown certificate serial', '{ landUseCertificate(serial: "CS 99999999") { serial } }', 'landUseCertificate'],
  ])('returns null for %s', async (_case, query, field) => {
    const response = await post(query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ [field]: null });
  });

  it('returns a certificate by serial with its parcel', async () => {
    const response = await post('query ($serial: String!) { landUseCertificate(serial: $serial) { serial issueDate parcel { id parcelNumber } } }', {
      serial: certificateSerial(7),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.landUseCertificate).toEqual({ serial: certificateSerial(7), issueDate: '2021-05-10', parcel: { id: '8', parcelNumber: 107 } });
  });

  it.each([
    ['a malformed commune code', '{ landParcel(communeCode: "4077", mapSheetNumber: 1, parcelNumber: 100) { id } }', /Malformed commune code "4077"/],
    [
      'a zero map sheet number',
      '{ landParcel(communeCode: "40778", mapSheetNumber: 0, parcelNumber: 100) { id } }',
      /"mapSheetNumber" must be a positive integer, got 0/,
    ],
    [
      'a negative parcel number',
      '{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: -3) { id } }',
      /"parcelNumber" must be a positive integer, got -3/,
    ],
    ['a lower-case certificate serial', '{ landUseCertificate(serial: "cs 01234567") { serial } }', /Malformed certificate serial "cs 01234567"/],
    ['a certificate serial without a space', '{ landUseCertificate(serial: "CS01234567") { serial } }', /Malformed certificate serial/],
    ['a certificate serial too short', '{ landUseCertificate(serial: "CS 12345") { serial } }', /Malformed certificate serial/],
    ['a malformed commune code of the commune list', '{ landParcelsByCommune(communeCode: "40778a") { nodes { id } } }', /Malformed commune code/],
    [
      'an unknown land-use purpose',
      '{ landParcelsByCommune(communeCode: "40778", landUsePurpose: "XYZ") { nodes { id } } }',
      new RegExp(`Unknown landUsePurpose "XYZ": expected one of ${LAND_USE_PURPOSE_CODES.join(', ')}`),
    ],
    ['a page size over the maximum', '{ landParcelsByCommune(communeCode: "40778", first: 101) { nodes { id } } }', /between 1 and 100, got 101/],
    ['a malformed cursor', '{ landParcelsByCommune(communeCode: "40778", after: "not a cursor") { nodes { id } } }', /Malformed cursor/],
    // A cursor of the citizen list of the population subgraph: well-formed, but not of this list.
    [
      'a cursor of another list',
      '{ landParcelsByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5Q29tbXVuZSIsIjAzODA4MDEwMDAwMCJd") { nodes { id } } }',
      /Malformed cursor/,
    ],
  ])('rejects %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await post(query);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  /** Given a commune and an optional purpose, reads every page of parcels and returns their ids in the order served. */
  async function readAllPages(communeCode: string, landUsePurpose: string | null, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: any = await post(
        `query ($communeCode: String!, $purpose: String, $first: Int, $after: String) {
        landParcelsByCommune(communeCode: $communeCode, landUsePurpose: $purpose, first: $first, after: $after) {
          edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { communeCode, purpose: landUsePurpose, first, after },
      );
      expect(response.errors).toBeUndefined();
      const connection = response.data.landParcelsByCommune;
      expect(connection.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(connection.nodes.map((node: { id: string }) => node.id));
      seen.push(...connection.nodes.map((node: { id: string }) => node.id));
      if (!connection.pageInfo.hasNextPage) {
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        return seen;
      }
      after = connection.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  }

  it('pages through a commune by parcel id without gaps or repeats', async () => {
    const expected = parcelIndexes
      .map(parcelFixture)
      .filter((parcel) => parcel.commune_code === '40778')
      .map((parcel) => String(parcel.id));
    expect(expected).toHaveLength(60);
    expect(await readAllPages('40778', null, 25)).toEqual(expected);
  });

  it('pages through the parcels of one land-use purpose', async () => {
    const expected = parcelIndexes
      .map(parcelFixture)
      .filter((parcel) => parcel.commune_code === '40779' && parcel.land_use_purpose === 'CLN')
      .map((parcel) => String(parcel.id));
    expect(expected.length).toBeGreaterThan(3);
    expect(await readAllPages('40779', 'CLN', 3)).toEqual(expected);
  });

  it('returns the parcels of many citizens through _entities, an empty list for a citizen without land', async () => {
    const nationalIds = [
      ...Array.from({ length: LAND_OWNER_COUNT }, (_, index) => citizenFixture(index).national_id),
      citizenFixture(500).national_id,
      citizenFixture(900).national_id,
    ];
    const response = await post(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { nationalId landParcels { id } } } }`,
      {
        representations: nationalIds.map((nationalId) => ({ __typename: 'Citizen', nationalId })),
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual(
      nationalIds.map((nationalId) => ({ nationalId, landParcels: parcelIdsOwnedBy(nationalId).map((id) => ({ id })) })),
    );
    expect(response.data?._entities[0].landParcels).toEqual([{ id: '1' }, { id: '46' }]);
    expect(response.data?._entities.at(-1).landParcels).toEqual([]);
  });

  it('resolves a parcel reference by id, and null for an unknown or malformed one', async () => {
    const response = await post(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on LandParcel { id parcelNumber } } }`,
      {
        representations: ['3', '9999', 'x1'].map((id) => ({ __typename: 'LandParcel', id })),
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ id: '3', parcelNumber: 102 }, null, null]);
  });

  /** Given a query and how to make its variables for a size, returns a function that counts the statements of one request. */
  function statementCounter(
    query: string,
    variablesFor: (size: number) => Record<string, unknown>,
    resultOf: (data: any) => unknown[],
    access: Partial<AccessContext> = {},
  ) {
    const counter = countStatements(databases.databases.land);
    return async (size: number): Promise<number> => {
      counter.reset();
      const response = await post(query, variablesFor(size), access);
      expect(response.errors).toBeUndefined();
      expect(resultOf(response.data)).toHaveLength(size);
      return counter.count;
    };
  }

  it.each([
    ['any row', {}],
    ['the rows of a scope', { scope: SCOPE }],
  ])(
    'resolves citizens with their parcels, certificates and owners with a constant number of statements, for a caller who may see %s',
    async (_case, access) => {
      const countFor = statementCounter(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Citizen { landParcels { id certificates { serial parcel { id } } owners { owner { nationalId } sharePercent } } } } }`,
        (size) => ({
          representations: Array.from({ length: size }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
        }),
        (data) => data._entities,
        access,
      );
      const small = await countFor(3);
      const large = await countFor(40);
      expect(small).toBe(3);
      expect(large).toBe(small);
    },
  );

  it.each([
    ['any row', '40778', {}],
    ['the rows of a scope', SCOPE[0], { scope: SCOPE }],
  ])(
    'serves a page of parcels with certificates and owners with a constant number of statements, for a caller who may see %s',
    async (_case, communeCode, access) => {
      const countFor = statementCounter(
        `query ($communeCode: String!, $first: Int) { landParcelsByCommune(communeCode: $communeCode, first: $first) {
        nodes { id certificates { serial parcel { id } } owners { owner { nationalId } sharePercent } } } }`,
        (size) => ({ communeCode, first: size }),
        (data) => data.landParcelsByCommune.nodes,
        access,
      );
      const small = await countFor(2);
      const large = await countFor(25);
      expect(small).toBe(3);
      expect(large).toBe(small);
    },
  );

  describe('row scope', () => {
    let reference: TestDatabases;
    let referenceServer: RunningServer;
    const scoped: SubgraphPost = (query, variables) => post(query, variables, { scope: SCOPE });
    const unscoped = subgraphClient(() => referenceServer, 'land');

    // The reference database holds only the parcels of the scope, with their certificates and shares:
    // the scoped caller must get, byte for byte, what an unrestricted caller gets from it.
    beforeAll(async () => {
      reference = await createTestDatabases();
      const db = reference.databases.land;
      await copyTables(databases.databases.land, db, ['parcels', 'land_use_certificates', 'ownership_shares']);
      const parcelsOutOfScope = () => db('parcels').select('id').whereNotIn('commune_code', SCOPE);
      await db('land_use_certificates').whereIn('parcel_id', parcelsOutOfScope()).delete();
      await db('ownership_shares').whereIn('parcel_id', parcelsOutOfScope()).delete();
      await db('parcels').whereNotIn('commune_code', SCOPE).delete();
      referenceServer = await startSubgraph('land', { db, signingKey: TEST_SIGNING_KEY });
    });

    afterAll(async () => {
      await referenceServer?.stop();
      await reference?.destroy();
    });

    const PARCEL = `query ($communeCode: String!, $mapSheetNumber: Int!, $parcelNumber: Int!) {
      landParcel(communeCode: $communeCode, mapSheetNumber: $mapSheetNumber, parcelNumber: $parcelNumber) {
        id communeCode address certificates { serial parcel { id } } owners { owner { nationalId landParcels { id } } sharePercent } } }`;
    const CERTIFICATE = 'query ($serial: String!) { landUseCertificate(serial: $serial) { serial issueDate parcel { id owners { sharePercent } } } }';
    const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { nationalId landParcels { id communeCode certificates { serial } } } ... on LandParcel { id parcelNumber } } }`;
    const BY_COMMUNE = `query ($communeCode: String!, $purpose: String, $after: String) {
      landParcelsByCommune(communeCode: $communeCode, landUsePurpose: $purpose, first: 4, after: $after) {
        edges { cursor node { id communeCode landUsePurpose } } pageInfo { hasNextPage endCursor } } }`;

    it.each([
      ['a parcel in scope', true, PARCEL, { communeCode: '40779', mapSheetNumber: 1, parcelNumber: 102 }],
      ['a parcel out of scope', false, PARCEL, { communeCode: '40778', mapSheetNumber: 1, parcelNumber: 100 }],
      ['a certificate of a parcel in scope', true, CERTIFICATE, { serial: certificateSerial(2) }],
      ['a certificate of a parcel out of scope', false, CERTIFICATE, { serial: certificateSerial(0) }],
      [
        'references to citizens and parcels on both sides of the scope',
        true,
        ENTITIES,
        {
          representations: [
            ...Array.from({ length: LAND_OWNER_COUNT }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
            ...[500, 502, 504].map((index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
            ...['1', '2', '3', '6', '9999'].map((id) => ({ __typename: 'LandParcel', id })),
          ],
        },
      ],
    ])('answers %s exactly as if the rows out of scope did not exist', async (_case, found, query, variables) => {
      const [expected, actual] = await Promise.all([unscoped(query, variables), scoped(query, variables)]);
      expect(actual).toEqual(expected);
      expect(actual.errors).toBeUndefined();
      expect(Object.values(actual.data!)[0] !== null).toBe(found);
    });

    it.each([
      ['the commune in scope', { communeCode: '40779' }],
      ['the commune in scope, for one purpose', { communeCode: '40779', purpose: 'CLN' }],
      ['a commune out of scope', { communeCode: '40778' }],
    ])('pages through %s exactly as if the rows out of scope did not exist', async (_case, variables) => {
      const expected = await collectPages(unscoped, BY_COMMUNE, variables, 'landParcelsByCommune');
      const actual = await collectPages(scoped, BY_COMMUNE, variables, 'landParcelsByCommune');
      expect(actual).toEqual(expected);
      expect(actual.every((page) => page.errors === undefined)).toBe(true);
    });

    it('lists only the parcels in scope among those a citizen holds', async () => {
      // Citizen 2 holds parcels 3 (index 2, ward 40779) and 48 (index 47, ward 40779); citizen 0 holds 1 and 46, both in 40778.
      const response = await scoped(
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { landParcels { id } } } }',
        {
          representations: [0, 2].map((index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
        },
      );
      expect(response.data?._entities).toEqual([{ landParcels: [] }, { landParcels: [{ id: '3' }, { id: '48' }] }]);
    });

    it.each([
      ['a parcel', PARCEL, { communeCode: '40778', mapSheetNumber: 1, parcelNumber: 100 }, { communeCode: '40778', mapSheetNumber: 1, parcelNumber: 999 }],
      ['a certificate', CERTIFICATE, { serial: certificateSerial(0) }, { serial: 'CS 99999999' }],
      ['a commune', BY_COMMUNE, { communeCode: '40778' }, { communeCode: '99999' }],
      [
        'a parcel reference',
        ENTITIES,
        { representations: [{ __typename: 'LandParcel', id: '1' }] },
        { representations: [{ __typename: 'LandParcel', id: '9999' }] },
      ],
    ])('answers for %s out of scope exactly as for an unknown one', async (_case, query, outOfScope, unknown) => {
      const [hidden, missing] = await Promise.all([scoped(query, outOfScope), scoped(query, unknown)]);
      expect(hidden).toEqual(missing);
      expect(hidden.status).toBe(200);
    });
  });

  describe('masks', () => {
    it('masks the listed fields, never the parcel key', async () => {
      const response = await post(
        `{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 100) {
        id address landUsePurpose certificates { serial issuingAuthority } } }`,
        {},
        {
          masks: { 'LandParcel.address': 'REDACTED', 'LandUseCertificate.issuingAuthority': 'INITIALS', 'LandParcel.id': 'PARTIAL_ID' },
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.landParcel).toEqual({
        id: '1',
        address: '***',
        landUsePurpose: 'ONT',
        certificates: [
          { serial: 'BA 123456', issuingAuthority: 'UBND t. p. T. H.' },
          { serial: certificateSerial(0), issuingAuthority: 'Sở N. n. v. M. t. t. T. H.' },
        ],
      });
    });

    it('fails closed on a number, which cannot carry a masked value', async () => {
      const response = await post(
        '{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 100) { id areaSquareMeters } }',
        {},
        {
          masks: { 'LandParcel.areaSquareMeters': 'REDACTED' },
        },
      );
      expect(errorCodes(response)).toEqual(['MASK_NOT_APPLICABLE']);
      expect(response.data).toEqual({ landParcel: null });
    });
  });
});
