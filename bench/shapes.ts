import type { BuiltInSector } from '../common/sectors';
import type { Random } from '../db/seed/random';
import type { GraphQLBody, GraphQLResult, SubgraphCall } from './directClient';
import { rootField } from './directClient';

/** Real identifiers read from the databases once, from which every request draws its variables. */
export interface Fixtures {
  /** National IDs of seeded citizens, shuffled with the fixed seed. */
  citizenIds: string[];
  /** Communes with at least a full page (50) of parcels. */
  parcelCommunes: string[];
  /** Communes with at least 500 residents, with the endCursor of each of their first four pages of 100. */
  residentPages: Array<{ communeCode: string; cursors: string[] }>;
  /** The ward whose office Q8 calls as: its row scope is this commune; the cursors of its pages after the first that hold residents. */
  ward: { communeCode: string; cursors: string[] };
}

export const SHAPE_NAMES = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8'] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

/** Q2's page of parcels and the page size of each of Q4's five aliased pages. */
export const Q2_PAGE_SIZE = 50;
export const Q4_PAGE_SIZE = 100;
export const Q4_PAGES = 5;

/** Where a request comes from in a run: its number in the run, and the run's random sequence. */
export interface RequestDraw {
  sequence: number;
  random: Random;
}

export interface Shape {
  name: ShapeName;
  title: string;
  /** The waves of subgraph calls a gateway must make one after another: what the latency target is per. */
  fetchLevels: number;
  /** Only meaningful against a target that applies policy (callers vary, decisions and audit run). */
  needsPolicy: boolean;
  /**
   * Whom a target with policy is called as: the first of the bench's rotation agencies, all of them in turn,
   * the land office (masks) or the ward office (row scope). A target without policy gets no credential.
   */
  caller: 'first' | 'rotation' | 'land office' | 'ward office';
  /** Given the fixtures and the draw, returns the next request body. pageSize overrides the shape's own page size. */
  body(fixtures: Fixtures, draw: RequestDraw, pageSize?: number): GraphQLBody;
  /** Given a subgraph caller and a request body, makes the calls a gateway would make for it; returns their answers. */
  direct(call: SubgraphCall, body: GraphQLBody): Promise<GraphQLResult[]>;
}

const CITIZEN_CARD = 'nationalId fullName dateOfBirth sex currentResidence { addressLine unit { code name } }';

const Q1_QUERY = `query CitizenById($nationalId: ID!) { citizen(nationalId: $nationalId) { ${CITIZEN_CARD} } }`;

const Q2_QUERY = `query ParcelsWithOwners($communeCode: String!, $first: Int!) {
  landParcelsByCommune(communeCode: $communeCode, first: $first) {
    nodes {
      id mapSheetNumber parcelNumber areaSquareMeters landUsePurpose
      owners { sharePercent owner { nationalId fullName healthInsurance { socialInsuranceNumber benefitLevel validTo } } }
    }
  }
}`;

const Q3_POPULATION_FIELDS = `nationalId fullName dateOfBirth sex
    currentResidence { addressLine unit { name } }
    householdMembership { relationshipToHead household { code address } }`;
const Q3_ENTITY_FIELDS: Record<Exclude<BuiltInSector, 'population'>, string> = {
  land: 'landParcels { id mapSheetNumber parcelNumber areaSquareMeters landUsePurpose }',
  health: 'healthInsurance { socialInsuranceNumber benefitLevel validTo primaryCareFacility { name } } vaccinations { vaccine dose date }',
  education: 'enrollments { schoolYear grade school { name } } diplomas { type serial issueDate }',
};
const Q3_QUERY = `query Citizen360($nationalId: ID!) {
  citizen(nationalId: $nationalId) {
    ${Q3_POPULATION_FIELDS}
    ${Object.values(Q3_ENTITY_FIELDS).join('\n    ')}
  }
}`;

const Q4_POPULATION_FIELDS = 'nationalId fullName dateOfBirth sex currentResidence { addressLine }';
const Q4_EDUCATION_FIELDS = 'enrollments { schoolYear grade school { code name } }';

/** Given the fields of a resident, returns Q4's document: five aliased pages of one commune's residents. */
function residentPagesQuery(residentFields: string): string {
  const cursors = Array.from({ length: Q4_PAGES - 1 }, (_, index) => `$after${index + 1}: String!`).join(', ');
  const pages = Array.from({ length: Q4_PAGES }, (_, index) => {
    const after = index === 0 ? '' : `, after: $after${index}`;
    return `  page${index + 1}: citizensByCommune(communeCode: $communeCode, first: $first${after}) { nodes { ...Resident } }`;
  });
  return `query CommuneResidents($communeCode: String!, $first: Int!, ${cursors}) {\n${pages.join('\n')}\n}\nfragment Resident on Citizen { ${residentFields} }`;
}

const Q4_QUERY = residentPagesQuery(`${Q4_POPULATION_FIELDS} ${Q4_EDUCATION_FIELDS}`);

/** Q7's owners: the land office's grant masks their national IDs (PARTIAL_ID) and dates of birth (YEAR_ONLY). */
const Q7_OWNER_FIELDS = 'nationalId fullName dateOfBirth sex';
const Q7_PARCEL_FIELDS = 'id mapSheetNumber parcelNumber areaSquareMeters landUsePurpose';
const Q7_QUERY = `query LandOfficeParcels($communeCode: String!, $first: Int!) {
  landParcelsByCommune(communeCode: $communeCode, first: $first) {
    nodes { ${Q7_PARCEL_FIELDS} owners { sharePercent owner { ${Q7_OWNER_FIELDS} } } }
  }
}`;

/** Q8's residents: the ward office reads its ward's residents and their parcels, all within its row scope (its demo grants give no enrolments). */
const Q8_POPULATION_FIELDS =
  'nationalId fullName dateOfBirth sex currentResidence { addressLine } householdMembership { relationshipToHead household { code } }';
const Q8_ENTITY_FIELDS: Record<'land', string> = {
  land: 'landParcels { mapSheetNumber parcelNumber areaSquareMeters landUsePurpose }',
};
const Q8_QUERY = `query WardResidents($communeCode: String!, $first: Int!, $after: String) {
  citizensByCommune(communeCode: $communeCode, first: $first, after: $after) {
    nodes { ${Q8_POPULATION_FIELDS} ${Object.values(Q8_ENTITY_FIELDS).join(' ')} }
  }
}`;

/** Given citizen objects, returns the representations a gateway sends to _entities, each national ID once. */
function citizenRepresentations(citizens: ReadonlyArray<{ nationalId: string } | null | undefined>): Array<{ __typename: 'Citizen'; nationalId: string }> {
  const ids = new Set<string>();
  for (const citizen of citizens) if (citizen) ids.add(citizen.nationalId);
  return [...ids].map((nationalId) => ({ __typename: 'Citizen', nationalId }));
}

/** Given a sector, the citizens' representations and the fields wanted, calls that sector's _entities (nothing when there is none). */
async function citizenEntities(call: SubgraphCall, sector: BuiltInSector, representations: object[], fields: string): Promise<GraphQLResult[]> {
  if (representations.length === 0) return [];
  const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { ${fields} } } }`;
  return [await call(sector, { query, variables: { representations } })];
}

/** Given a citizen lookup's text and variables, makes Q1's (or Q5's) one call to population. */
async function citizenLookup(call: SubgraphCall, body: GraphQLBody): Promise<GraphQLResult[]> {
  return [await call('population', body)];
}

export const SHAPES: Record<ShapeName, Shape> = {
  Q1: {
    name: 'Q1',
    caller: 'first',
    title: 'citizen by national ID (population only)',
    fetchLevels: 1,
    needsPolicy: false,
    body: (fixtures, { random }) => ({ query: Q1_QUERY, variables: { nationalId: random.pick(fixtures.citizenIds) } }),
    direct: citizenLookup,
  },
  Q2: {
    name: 'Q2',
    caller: 'first',
    title: `${Q2_PAGE_SIZE} parcels of a commune with owners' names and insurance cards (land, population, health)`,
    fetchLevels: 2,
    needsPolicy: false,
    body: (fixtures, { random }, pageSize = Q2_PAGE_SIZE) => ({
      query: Q2_QUERY,
      variables: { communeCode: random.pick(fixtures.parcelCommunes), first: pageSize },
    }),
    async direct(call, body) {
      const landQuery = `query($communeCode: String!, $first: Int!) {
        landParcelsByCommune(communeCode: $communeCode, first: $first) {
          nodes { id mapSheetNumber parcelNumber areaSquareMeters landUsePurpose owners { sharePercent owner { __typename nationalId } } }
        }
      }`;
      const land = await call('land', { query: landQuery, variables: body.variables! });
      const parcels = rootField<{ nodes: Array<{ owners: Array<{ owner: { nationalId: string } }> }> }>(land, 'landParcelsByCommune')?.nodes ?? [];
      const owners = citizenRepresentations(parcels.flatMap((parcel) => parcel.owners.map((share) => share.owner)));
      const second = await Promise.all([
        citizenEntities(call, 'population', owners, 'fullName'),
        citizenEntities(call, 'health', owners, 'healthInsurance { socialInsuranceNumber benefitLevel validTo }'),
      ]);
      return [land, ...second.flat()];
    },
  },
  Q3: {
    name: 'Q3',
    caller: 'first',
    title: 'citizen 360 (population, then land, health and education)',
    fetchLevels: 2,
    needsPolicy: false,
    body: (fixtures, { random }) => ({ query: Q3_QUERY, variables: { nationalId: random.pick(fixtures.citizenIds) } }),
    direct: citizen360,
  },
  Q4: {
    name: 'Q4',
    caller: 'first',
    title: `${Q4_PAGES * Q4_PAGE_SIZE} residents of a commune with enrolments, ${Q4_PAGES} aliased pages of ${Q4_PAGE_SIZE} (population, education)`,
    fetchLevels: 2,
    needsPolicy: false,
    body(fixtures, { random }, pageSize = Q4_PAGE_SIZE) {
      const commune = random.pick(fixtures.residentPages);
      const cursors = Object.fromEntries(commune.cursors.map((cursor, index) => [`after${index + 1}`, cursor]));
      return { query: Q4_QUERY, variables: { communeCode: commune.communeCode, first: pageSize, ...cursors } };
    },
    async direct(call, body) {
      const population = await call('population', { query: residentPagesQuery(`__typename ${Q4_POPULATION_FIELDS}`), variables: body.variables! });
      const pages = Object.values(population.data ?? {}) as Array<{ nodes: Array<{ nationalId: string }> } | null>;
      const residents = citizenRepresentations(pages.flatMap((page) => page?.nodes ?? []));
      return [population, ...(await citizenEntities(call, 'education', residents, Q4_EDUCATION_FIELDS))];
    },
  },
  Q5: {
    name: 'Q5',
    caller: 'first',
    title: 'Q1 with the national ID written into the query text (a new document every request: plan-cache misses)',
    fetchLevels: 1,
    needsPolicy: false,
    body: (fixtures, { sequence }) => {
      // Walks the shuffled IDs in order; past the last one, an alias numbered by the round makes the text new
      // again. Sequences run on from one window to the next of a target (warm-up included): no text repeats.
      const ids = fixtures.citizenIds;
      const round = Math.floor(sequence / ids.length);
      const field = round === 0 ? 'citizen' : `round${round}: citizen`;
      return { query: `{ ${field}(nationalId: "${ids[sequence % ids.length]!}") { ${CITIZEN_CARD} } }` };
    },
    direct: citizenLookup,
  },
  Q6: {
    name: 'Q6',
    caller: 'rotation',
    title: 'Q3 as a mix of agencies and purposes (authentication, policy and audit on every request)',
    fetchLevels: 2,
    needsPolicy: true,
    body: (fixtures, draw) => SHAPES.Q3.body(fixtures, draw),
    direct: citizen360,
  },
  Q7: {
    name: 'Q7',
    caller: 'land office',
    title: `${Q2_PAGE_SIZE} parcels of a commune with their owners, as the land office: owners' national IDs and dates of birth masked (land, population)`,
    fetchLevels: 2,
    needsPolicy: false,
    body: (fixtures, { random }, pageSize = Q2_PAGE_SIZE) => ({
      query: Q7_QUERY,
      variables: { communeCode: random.pick(fixtures.parcelCommunes), first: pageSize },
    }),
    async direct(call, body) {
      const landQuery = `query($communeCode: String!, $first: Int!) {
        landParcelsByCommune(communeCode: $communeCode, first: $first) { nodes { ${Q7_PARCEL_FIELDS} owners { sharePercent owner { __typename nationalId } } } }
      }`;
      const land = await call('land', { query: landQuery, variables: body.variables! });
      const parcels = rootField<{ nodes: Array<{ owners: Array<{ owner: { nationalId: string } }> }> }>(land, 'landParcelsByCommune')?.nodes ?? [];
      const owners = citizenRepresentations(parcels.flatMap((parcel) => parcel.owners.map((share) => share.owner)));
      return [land, ...(await citizenEntities(call, 'population', owners, Q7_OWNER_FIELDS))];
    },
  },
  Q8: {
    name: 'Q8',
    caller: 'ward office',
    title: `a page of ${Q4_PAGE_SIZE} of a ward's residents with their parcels and enrolments, as the ward office: row scope in every subgraph (population, then land and education)`,
    fetchLevels: 2,
    needsPolicy: false,
    body(fixtures, { random }, pageSize = Q4_PAGE_SIZE) {
      const page = random.int(0, fixtures.ward.cursors.length);
      return {
        query: Q8_QUERY,
        variables: { communeCode: fixtures.ward.communeCode, first: pageSize, after: page === 0 ? null : fixtures.ward.cursors[page - 1]! },
      };
    },
    async direct(call, body) {
      const query = `query($communeCode: String!, $first: Int!, $after: String) {
        citizensByCommune(communeCode: $communeCode, first: $first, after: $after) { nodes { __typename ${Q8_POPULATION_FIELDS} } }
      }`;
      const population = await call('population', { query, variables: body.variables! });
      const residents = citizenRepresentations(rootField<{ nodes: Array<{ nationalId: string }> }>(population, 'citizensByCommune')?.nodes ?? []);
      const sectors = Object.keys(Q8_ENTITY_FIELDS) as Array<keyof typeof Q8_ENTITY_FIELDS>;
      const others = await Promise.all(sectors.map((sector) => citizenEntities(call, sector, residents, Q8_ENTITY_FIELDS[sector])));
      return [population, ...others.flat()];
    },
  },
};

/** Given Q3's body, makes the calls of a citizen 360: population, then land, health and education at once. */
async function citizen360(call: SubgraphCall, body: GraphQLBody): Promise<GraphQLResult[]> {
  const query = `query($nationalId: ID!) { citizen(nationalId: $nationalId) { __typename ${Q3_POPULATION_FIELDS} } }`;
  const population = await call('population', { query, variables: body.variables! });
  const citizen = citizenRepresentations([rootField<{ nationalId: string } | null>(population, 'citizen')]);
  const sectors = Object.keys(Q3_ENTITY_FIELDS) as Array<keyof typeof Q3_ENTITY_FIELDS>;
  const others = await Promise.all(sectors.map((sector) => citizenEntities(call, sector, citizen, Q3_ENTITY_FIELDS[sector])));
  return [population, ...others.flat()];
}

/** Given a name from the command line, tells whether it is a shape. */
export function isShapeName(name: string): name is ShapeName {
  return (SHAPE_NAMES as readonly string[]).includes(name);
}
