import type { RunningServer } from '../../common/subgraphServer';
import { LAND_USE_PURPOSE_CODES } from '../../common/vocabulary';
import { startLandSubgraph } from '../../subgraphs/land';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { citizenFixture } from '../helpers/fixtures';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { LAND_OWNER_COUNT, certificateSerial, insertLand, parcelFixture, sharesFixture } from '../helpers/landFixtures';

const PARCEL_COUNT = 90;
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

  beforeAll(async () => {
    databases = await createTestDatabases();
    await insertLand(databases.databases.land, PARCEL_COUNT);
    server = await startLandSubgraph({ db: databases.databases.land });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a parcel by its identifiers, with certificates, owners and numbers converted from DECIMAL', async () => {
    const response = await postGraphQL(server.url, `query { landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 100) {
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
    const response = await postGraphQL(server.url, `query { landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 101) {
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
    const response = await postGraphQL(server.url, query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ [field]: null });
  });

  it('returns a certificate by serial with its parcel', async () => {
    const response = await postGraphQL(server.url, 'query ($serial: String!) { landUseCertificate(serial: $serial) { serial issueDate parcel { id parcelNumber } } }', {
      serial: certificateSerial(7),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.landUseCertificate).toEqual({ serial: certificateSerial(7), issueDate: '2021-05-10', parcel: { id: '8', parcelNumber: 107 } });
  });

  it.each([
    ['a malformed commune code', '{ landParcel(communeCode: "4077", mapSheetNumber: 1, parcelNumber: 100) { id } }', /Malformed commune code "4077"/],
    ['a zero map sheet number', '{ landParcel(communeCode: "40778", mapSheetNumber: 0, parcelNumber: 100) { id } }', /"mapSheetNumber" must be a positive integer, got 0/],
    ['a negative parcel number', '{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: -3) { id } }', /"parcelNumber" must be a positive integer, got -3/],
    ['a lower-case certificate serial', '{ landUseCertificate(serial: "cs 01234567") { serial } }', /Malformed certificate serial "cs 01234567"/],
    ['a certificate serial without a space', '{ landUseCertificate(serial: "CS01234567") { serial } }', /Malformed certificate serial/],
    ['a certificate serial too short', '{ landUseCertificate(serial: "CS 12345") { serial } }', /Malformed certificate serial/],
    ['a malformed commune code of the commune list', '{ landParcelsByCommune(communeCode: "40778a") { nodes { id } } }', /Malformed commune code/],
    ['an unknown land-use purpose', '{ landParcelsByCommune(communeCode: "40778", landUsePurpose: "XYZ") { nodes { id } } }',
      new RegExp(`Unknown landUsePurpose "XYZ": expected one of ${LAND_USE_PURPOSE_CODES.join(', ')}`)],
    ['a page size over the maximum', '{ landParcelsByCommune(communeCode: "40778", first: 101) { nodes { id } } }', /between 1 and 100, got 101/],
    ['a malformed cursor', '{ landParcelsByCommune(communeCode: "40778", after: "not a cursor") { nodes { id } } }', /Malformed cursor/],
    // A cursor of the citizen list of the population subgraph: well-formed, but not of this list.
    ['a cursor of another list', '{ landParcelsByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5Q29tbXVuZSIsIjAzODA4MDEwMDAwMCJd") { nodes { id } } }', /Malformed cursor/],
  ])('rejects %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await postGraphQL(server.url, query);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  /** Given a commune and an optional purpose, reads every page of parcels and returns their ids in the order served. */
  async function readAllPages(communeCode: string, landUsePurpose: string | null, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: any = await postGraphQL(server.url, `query ($communeCode: String!, $purpose: String, $first: Int, $after: String) {
        landParcelsByCommune(communeCode: $communeCode, landUsePurpose: $purpose, first: $first, after: $after) {
          edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } }`, { communeCode, purpose: landUsePurpose, first, after });
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
    const expected = parcelIndexes.map(parcelFixture).filter((parcel) => parcel.commune_code === '40778').map((parcel) => String(parcel.id));
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
    const response = await postGraphQL(server.url, `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { nationalId landParcels { id } } } }`, {
      representations: nationalIds.map((nationalId) => ({ __typename: 'Citizen', nationalId })),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual(
      nationalIds.map((nationalId) => ({ nationalId, landParcels: parcelIdsOwnedBy(nationalId).map((id) => ({ id })) })),
    );
    expect(response.data?._entities[0].landParcels).toEqual([{ id: '1' }, { id: '46' }]);
    expect(response.data?._entities.at(-1).landParcels).toEqual([]);
  });

  it('resolves a parcel reference by id, and null for an unknown or malformed one', async () => {
    const response = await postGraphQL(server.url, `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on LandParcel { id parcelNumber } } }`, {
      representations: ['3', '9999', 'x1'].map((id) => ({ __typename: 'LandParcel', id })),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ id: '3', parcelNumber: 102 }, null, null]);
  });

  /** Given a query and how to make its variables for a size, returns a function that counts the statements of one request. */
  function statementCounter(query: string, variablesFor: (size: number) => Record<string, unknown>, resultOf: (data: any) => unknown[]) {
    const counter = countStatements(databases.databases.land);
    return async (size: number): Promise<number> => {
      counter.reset();
      const response = await postGraphQL(server.url, query, variablesFor(size));
      expect(response.errors).toBeUndefined();
      expect(resultOf(response.data)).toHaveLength(size);
      return counter.count;
    };
  }

  it('resolves citizens with their parcels, certificates and owners with a constant number of statements', async () => {
    const countFor = statementCounter(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Citizen { landParcels { id certificates { serial parcel { id } } owners { owner { nationalId } sharePercent } } } } }`,
      (size) => ({
        representations: Array.from({ length: size }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
      }),
      (data) => data._entities,
    );
    const small = await countFor(3);
    const large = await countFor(40);
    expect(small).toBe(3);
    expect(large).toBe(small);
  });

  it('serves a page of parcels with certificates and owners with a constant number of statements', async () => {
    const countFor = statementCounter(
      `query ($first: Int) { landParcelsByCommune(communeCode: "40778", first: $first) {
        nodes { id certificates { serial parcel { id } } owners { owner { nationalId } sharePercent } } } }`,
      (size) => ({ first: size }),
      (data) => data.landParcelsByCommune.nodes,
    );
    const small = await countFor(2);
    const large = await countFor(50);
    expect(small).toBe(3);
    expect(large).toBe(small);
  });
});
