import type { Purpose } from '../../gateway/policy/types';
import { DEMO_COMMUNE_CODE } from '../../gateway/store/demo';
import type { GrantInput } from '../../gateway/store/stewardship';
import type { GraphQLResponse } from '../helpers/graphql';
import { postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';
import type { ScopeWorld } from '../helpers/scopeWorld';
import { leakedIds, readScopeWorld, sortedBy } from '../helpers/scopeWorld';

const WARD = DEMO_COMMUNE_CODE;
const WARD_OFFICE = `H56.99.${WARD}`;
/** An agency whose grants scope each field on its own: names in the ward, sex in another commune. */
const SOCIAL_OFFICE = 'H56.97';
const ACTOR = { kind: 'SYSTEM', task: 'test' } as const;

const OWNERS = `query ($commune: String!, $sheet: Int!, $number: Int!) {
  landParcel(communeCode: $commune, mapSheetNumber: $sheet, parcelNumber: $number) { communeCode owners { sharePercent owner { nationalId fullName } } }
}`;
const OWNER_KEYS = OWNERS.replace('owner { nationalId fullName }', 'owner { nationalId }');
const OWNER_TYPES = OWNERS.replace('owner { nationalId fullName }', 'owner { __typename }');
const OWNERS_PARCELS = OWNERS.replace('owner { nationalId fullName }', 'owner { landParcels { id } }');

describe('row scope through every path: root, list, connection, and every hop between subgraphs', () => {
  let seeded: SeededPlatform;
  let world: ScopeWorld;
  let socialKey: string;
  /** The commune whose residents' sex the social office may read. */
  let other: string;

  const livesIn = (nationalId: string, ...communes: string[]) => communes.includes(world.citizens.get(nationalId)!.current_unit_code);
  const wardOffice = (query: string, variables: Record<string, unknown> = {}, purpose: Purpose = 'PUBLIC_SERVICE') =>
    postGraphQL(seeded.platform.gateway.url, query, variables, asAgency(seeded.demoKeys.get(WARD_OFFICE)!, purpose));
  const socialOffice = (query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(seeded.platform.gateway.url, query, variables, asAgency(socialKey, 'SOCIAL_SUPPORT'));

  /** Given a response and the communes in scope, expects no error, and no national ID of anyone living elsewhere. */
  function expectClean(response: GraphQLResponse, ...communes: string[]): void {
    expect(response.errors).toBeUndefined();
    expect((response as { extensions?: unknown }).extensions).toBeUndefined();
    expect(leakedIds(response, (id) => !livesIn(id, ...communes))).toEqual([]);
  }

  const parcelVariables = (id: number) => {
    const parcel = world.parcels.get(id)!;
    return { commune: parcel.commune_code, sheet: parcel.map_sheet_number, number: parcel.parcel_number };
  };
  /** What a caller whose citizens are those of `communes` sees of a parcel's owners. */
  const expectedOwners = (parcelId: number, communes: string[]) =>
    sortedBy(
      world.shares.filter((share) => share.parcel_id === parcelId),
      (share) => share.national_id,
    ).map((share) => ({
      sharePercent: Number(share.share_percent),
      owner: livesIn(share.national_id, ...communes) ? { nationalId: share.national_id, fullName: world.citizens.get(share.national_id)!.full_name } : null,
    }));

  beforeAll(async () => {
    // Seed 3 holds, for the ward, each kind of link across communes (the seed tests say which kinds exist).
    seeded = await startSeededPlatform(600, { randomSeed: 3 });
    world = await readScopeWorld(seeded.databases.databases);
    const residents = new Map<string, number>();
    for (const citizen of world.citizens.values()) residents.set(citizen.current_unit_code, (residents.get(citizen.current_unit_code) ?? 0) + 1);
    other = sortedBy(
      [...residents].filter(([code]) => code !== WARD),
      ([, count]) => -count,
    )[0]![0];
    const { stewardship } = seeded.platform;
    await stewardship.createAgency(ACTOR, { code: SOCIAL_OFFICE, name: 'Phòng Văn hóa - Xã hội', sector: null, unitCodes: [WARD, other] });
    const grant = (target: GrantInput['target'], scopeUnitCodes: string[] | null = null) =>
      stewardship.createGrant(ACTOR, {
        agencyCode: SOCIAL_OFFICE,
        target,
        purposes: ['SOCIAL_SUPPORT' satisfies Purpose],
        legalBasis: 'Luật Trợ giúp xã hội (test)',
        legalInstruments: ['47/2020/NĐ-CP'],
        scopeUnitCodes,
      });
    const field = (coordinate: string) => ({ kind: 'FIELD' as const, coordinate });
    for (const coordinate of ['Query.citizen', 'Query.citizensByNamePrefix', 'Query.diploma', 'Query.healthInsuranceCard']) await grant(field(coordinate));
    await grant(field('Citizen.nationalId'), [WARD, other]);
    await grant(field('Citizen.fullName'), [WARD]);
    await grant(field('Citizen.sex'), [other]);
    for (const typeName of ['Diploma', 'HealthInsuranceCard']) await grant({ kind: 'TYPE', typeName });
    socialKey = (await stewardship.createApiKey(ACTOR, { agencyCode: SOCIAL_OFFICE, label: 'test' })).key;
    // The demo ward office reads no enrolments: here it reads them for PUBLIC_SERVICE, scoped to the ward like its
    // demo grants, so that the hop to education is tried too. It reads cards for SOCIAL_SUPPORT, as in the demo.
    for (const target of [field('Citizen.enrollments'), { kind: 'TYPE' as const, typeName: 'Enrollment' }]) {
      await stewardship.createGrant(ACTOR, {
        agencyCode: WARD_OFFICE,
        target,
        purposes: ['PUBLIC_SERVICE'],
        legalBasis: 'Nghị định 47/2020/NĐ-CP (test)',
        legalInstruments: ['47/2020/NĐ-CP'],
        scopeUnitCodes: [WARD],
      });
    }
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  describe('the ward office (scope 40778 on every grant)', () => {
    it('reads a resident at the root, and a member of a ward household who lives elsewhere as one who does not exist', async () => {
      const away = world.members.find((member) => world.households.get(member.household_code)!.unit_code === WARD && !livesIn(member.national_id, WARD))!;
      const resident = [...world.citizens.values()].find((citizen) => citizen.current_unit_code === WARD)!;
      expect(away).toBeDefined();
      const query = 'query ($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
      const [hidden, shown] = await Promise.all([wardOffice(query, { id: away.national_id }), wardOffice(query, { id: resident.national_id })]);
      expectClean(hidden, WARD);
      expect(hidden.data).toEqual({ citizen: null });
      expectClean(shown, WARD);
      expect(shown.data).toEqual({ citizen: { nationalId: resident.national_id, fullName: resident.full_name } });
    });

    it('refuses a document that uses an alias the row scope reserves, which would let the client answer in its place', async () => {
      const resident = [...world.citizens.values()].find((citizen) => citizen.current_unit_code === WARD)!;
      for (const alias of ['__rowScopeProbe', '__rowScopeType']) {
        const response = await wardOffice(`query ($id: ID!) { citizen(nationalId: $id) { nationalId ${alias}: __typename } }`, { id: resident.national_id });
        expect(response.status).toBe(400);
        expect(response.errors!.map((error) => error.extensions!.code)).toEqual(['BAD_USER_INPUT']);
        expect(response.errors![0]!.message).toMatch(new RegExp(`${alias} is reserved`));
        expect(response.data).toBeUndefined();
      }
    });

    it("pages through the ward's residents, all of them and no one else, and through another commune's as an empty list", async () => {
      const query =
        'query ($commune: String!, $after: String) { citizensByCommune(communeCode: $commune, first: 7, after: $after) { nodes { nationalId } pageInfo { hasNextPage endCursor } } }';
      const seen: string[] = [];
      for (let after: string | null = null, pages = 0; pages < 50; pages += 1) {
        const response: GraphQLResponse = await wardOffice(query, { commune: WARD, after });
        expectClean(response, WARD);
        seen.push(...response.data!.citizensByCommune.nodes.map((node: { nationalId: string }) => node.nationalId));
        if (!response.data!.citizensByCommune.pageInfo.hasNextPage) break;
        after = response.data!.citizensByCommune.pageInfo.endCursor;
      }
      expect(seen).toEqual(
        sortedBy(
          [...world.citizens.values()].filter((citizen) => citizen.current_unit_code === WARD),
          (row) => row.national_id,
        ).map((row) => row.national_id),
      );
      const elsewhere = await wardOffice(query, { commune: other, after: null });
      expectClean(elsewhere, WARD);
      expect(elsewhere.data).toEqual({ citizensByCommune: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } });
    });

    it('reads a ward household without its member who lives elsewhere, and a household elsewhere as none', async () => {
      const household = [...world.households.values()].find(
        (row) => row.unit_code === WARD && world.members.some((member) => member.household_code === row.code && !livesIn(member.national_id, WARD)),
      )!;
      const elsewhere = world.members.find((member) => livesIn(member.national_id, WARD) && world.households.get(member.household_code)!.unit_code !== WARD)!;
      const query =
        'query ($code: String!) { household(code: $code) { code members { relationshipToHead citizen { nationalId householdMembership { household { code } } } } } }';
      const response = await wardOffice(query, { code: household.code });
      expectClean(response, WARD);
      const expected = sortedBy(
        world.members.filter((member) => member.household_code === household.code && livesIn(member.national_id, WARD)),
        (row) => row.national_id,
      );
      expect(response.data!.household.members.map((member: { citizen: { nationalId: string } }) => member.citizen.nationalId)).toEqual(
        expected.map((row) => row.national_id),
      );
      const outside = await wardOffice(query, { code: elsewhere.household_code });
      expectClean(outside, WARD);
      expect(outside.data).toEqual({ household: null });
      // The resident whose household is registered elsewhere has no membership the ward may see.
      const membership = await wardOffice('query ($id: ID!) { citizen(nationalId: $id) { householdMembership { relationshipToHead } } }', {
        id: elsewhere.national_id,
      });
      expectClean(membership, WARD);
      expect(membership.data).toEqual({ citizen: { householdMembership: null } });
    });

    it.each([
      ['with their names', OWNERS, (owner: { nationalId: string; fullName: string } | null) => owner],
      ['with their keys only', OWNER_KEYS, (owner: { nationalId: string } | null) => (owner ? { nationalId: owner.nationalId } : null)],
      ["with nothing of population's", OWNER_TYPES, (owner: { nationalId: string } | null) => (owner ? { __typename: 'Citizen' } : null)],
    ])("reads a ward parcel's owners %s: an owner living elsewhere is null, the rest of the answer intact", async (_case, query, shape) => {
      const parcelId = world.shares.find((share) => world.parcels.get(share.parcel_id)!.commune_code === WARD && !livesIn(share.national_id, WARD))!.parcel_id;
      const response = await wardOffice(query, parcelVariables(parcelId));
      expectClean(response, WARD);
      const expected = expectedOwners(parcelId, [WARD]).map((share) => ({ sharePercent: share.sharePercent, owner: shape(share.owner as never) }));
      expect(response.data).toEqual({ landParcel: { communeCode: WARD, owners: expected } });
      expect(expected.some((share) => share.owner === null)).toBe(true);
    });

    it('does not follow an owner living elsewhere to the parcels they hold', async () => {
      const parcelId = world.shares.find((share) => world.parcels.get(share.parcel_id)!.commune_code === WARD && !livesIn(share.national_id, WARD))!.parcel_id;
      const response = await wardOffice(OWNERS_PARCELS, parcelVariables(parcelId));
      expectClean(response, WARD);
      const owners = response.data!.landParcel.owners as Array<{ owner: { landParcels: Array<{ id: string }> } | null }>;
      const expected = sortedBy(
        world.shares.filter((share) => share.parcel_id === parcelId),
        (share) => share.national_id,
      ).map((share) => livesIn(share.national_id, WARD));
      expect(owners.map((share) => share.owner !== null)).toEqual(expected);
      for (const share of owners) for (const parcel of share.owner?.landParcels ?? []) expect(world.parcels.get(Number(parcel.id))!.commune_code).toBe(WARD);
    });

    it("pages through the ward's parcels with their owners, an owner elsewhere null on every page", async () => {
      const query = `query ($after: String) { landParcelsByCommune(communeCode: "${WARD}", first: 9, after: $after) {
        nodes { id owners { owner { nationalId } } } pageInfo { hasNextPage endCursor } } }`;
      const seen: Array<{ id: string; owners: Array<{ owner: { nationalId: string } | null }> }> = [];
      for (let after: string | null = null, pages = 0; pages < 50; pages += 1) {
        const response: GraphQLResponse = await wardOffice(query, { after });
        expectClean(response, WARD);
        seen.push(...response.data!.landParcelsByCommune.nodes);
        if (!response.data!.landParcelsByCommune.pageInfo.hasNextPage) break;
        after = response.data!.landParcelsByCommune.pageInfo.endCursor;
      }
      const parcels = sortedBy(
        [...world.parcels.values()].filter((parcel) => parcel.commune_code === WARD),
        (parcel) => parcel.id,
      );
      expect(seen).toEqual(
        parcels.map((parcel) => ({
          id: String(parcel.id),
          owners: expectedOwners(parcel.id, [WARD]).map((share) => ({ owner: share.owner && { nationalId: share.owner.nationalId } })),
        })),
      );
    });

    it("lists a resident's parcels, enrolments and card in the ward only, with co-owners elsewhere null", async () => {
      const owner = world.shares.find((share) => livesIn(share.national_id, WARD) && world.parcels.get(share.parcel_id)!.commune_code !== WARD)!.national_id;
      const pupil = world.enrollments.find((row) => livesIn(row.national_id, WARD) && world.schools.get(row.school_code)!.commune_code !== WARD)!.national_id;
      // A resident who holds a ward parcel with someone living elsewhere: population, then land, then population again.
      const coOwned = world.shares.find((share) => world.parcels.get(share.parcel_id)!.commune_code === WARD && !livesIn(share.national_id, WARD))!.parcel_id;
      const coOwner = world.shares.find((share) => share.parcel_id === coOwned && livesIn(share.national_id, WARD))!.national_id;
      const query = `query ($id: ID!) { citizen(nationalId: $id) {
        landParcels { id owners { owner { nationalId } } } enrollments { schoolYear school { code } } } }`;
      const cardQuery = 'query ($id: ID!) { citizen(nationalId: $id) { healthInsurance { socialInsuranceNumber holder { nationalId } } } }';
      for (const id of [owner, pupil, coOwner]) {
        const response = await wardOffice(query, { id });
        expectClean(response, WARD);
        const card = await wardOffice(cardQuery, { id }, 'SOCIAL_SUPPORT');
        expectClean(card, WARD);
        const citizen = { ...response.data!.citizen, ...card.data!.citizen };
        const parcels = sortedBy(
          world.shares.filter((share) => share.national_id === id && world.parcels.get(share.parcel_id)!.commune_code === WARD),
          (share) => share.parcel_id,
        );
        expect(citizen.landParcels).toEqual(
          parcels.map((share) => ({
            id: String(share.parcel_id),
            owners: expectedOwners(share.parcel_id, [WARD]).map((each) => ({ owner: each.owner && { nationalId: each.owner.nationalId } })),
          })),
        );
        const enrollments = world.enrollments.filter((row) => row.national_id === id && world.schools.get(row.school_code)!.commune_code === WARD);
        expect(citizen.enrollments.map((row: { schoolYear: string }) => row.schoolYear).sort()).toEqual(enrollments.map((row) => row.school_year).sort());
        if (citizen.healthInsurance) expect(citizen.healthInsurance.holder).toEqual({ nationalId: id });
      }
      expect(world.shares.some((share) => share.national_id === owner && world.parcels.get(share.parcel_id)!.commune_code !== WARD)).toBe(true);
      expect(world.enrollments.some((row) => row.national_id === pupil && world.schools.get(row.school_code)!.commune_code !== WARD)).toBe(true);
      expect(expectedOwners(coOwned, [WARD]).some((share) => share.owner === null)).toBe(true);
    });
  });

  describe('an agency whose grants scope each field on its own', () => {
    it.each([
      ['fullName', 'a resident of the ward', 'name'],
      ['sex', 'a resident of the ward', null],
      ['fullName sex', 'a resident of the ward', null],
      ['fullName', 'a resident of the other commune', null],
      ['sex', 'a resident of the other commune', 'sex'],
      ['fullName sex', 'a resident of the other commune', null],
    ] as const)('asked { %s } of %s, returns the row only where every field asked covers it', async (selection, who, expected) => {
      const commune = who === 'a resident of the ward' ? WARD : other;
      const citizen = [...world.citizens.values()].find((row) => row.current_unit_code === commune)!;
      const response = await socialOffice(`query ($id: ID!) { citizen(nationalId: $id) { ${selection} } }`, { id: citizen.national_id });
      expect(response.errors).toBeUndefined();
      const value = expected === 'name' ? { fullName: citizen.full_name } : expected === 'sex' ? { sex: citizen.sex } : null;
      expect(response.data).toEqual({ citizen: value });
      if (value === null) expect(JSON.stringify(response)).not.toContain(citizen.full_name);
    });

    it("filters a name search by the name's scope, though the search does not select the name", async () => {
      const query =
        'query ($after: String) { citizensByNamePrefix(prefix: "nguyen", first: 5, after: $after) { nodes { nationalId } pageInfo { hasNextPage endCursor } } }';
      const seen: string[] = [];
      for (let after: string | null = null, pages = 0; pages < 50; pages += 1) {
        const response: GraphQLResponse = await socialOffice(query, { after });
        expectClean(response, WARD);
        seen.push(...response.data!.citizensByNamePrefix.nodes.map((node: { nationalId: string }) => node.nationalId));
        if (!response.data!.citizensByNamePrefix.pageInfo.hasNextPage) break;
        after = response.data!.citizensByNamePrefix.pageInfo.endCursor;
      }
      const expected = sortedBy(
        [...world.citizens.values()].filter((row) => row.current_unit_code === WARD && row.search_name.startsWith('nguyen')),
        (row) => `${row.search_name}\u0000${row.national_id}`,
      );
      expect(seen).toEqual(expected.map((row) => row.national_id));
      expect(seen.length).toBeGreaterThan(0);
    });

    it("reads a diploma and a card of anyone, their holder only where the national ID's scope covers them", async () => {
      const inScope = (id: string) => livesIn(id, WARD, other);
      const diplomas = [world.diplomas.find((row) => inScope(row.national_id))!, world.diplomas.find((row) => !inScope(row.national_id))!];
      const cards = [world.cards.find((row) => inScope(row.national_id))!, world.cards.find((row) => !inScope(row.national_id))!];
      for (const diploma of diplomas) {
        const response = await socialOffice('query ($serial: String!) { diploma(serial: $serial) { serial holder { nationalId } } }', {
          serial: diploma.serial,
        });
        expectClean(response, WARD, other);
        expect(response.data).toEqual({
          diploma: { serial: diploma.serial, holder: inScope(diploma.national_id) ? { nationalId: diploma.national_id } : null },
        });
      }
      for (const card of cards) {
        const response = await socialOffice(
          'query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) { benefitLevel holder { nationalId } } }',
          {
            number: card.social_insurance_number,
          },
        );
        expectClean(response, WARD, other);
        expect(response.data).toEqual({
          healthInsuranceCard: { benefitLevel: card.benefit_level, holder: inScope(card.national_id) ? { nationalId: card.national_id } : null },
        });
      }
    });
  });
});
