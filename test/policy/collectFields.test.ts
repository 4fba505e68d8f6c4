import fs from 'node:fs';
import { GraphQLError, buildSchema, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { FILTER_FIELDS, collectFields, selectOperation } from '../../gateway/policy/collectFields';
import { conditionVariableNames, executionConditions } from '../../gateway/policy/conditions';
import { SUPERGRAPH_PATH } from '../../schema/load';

const apiSchema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));

function fieldsOf(query: string, operationName?: string | null, schema: GraphQLSchema = apiSchema): string[] {
  return collectFields(schema, parse(query), operationName);
}

function errorOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError');
}

describe('collectFields', () => {
  it('sees through aliases, and lists each coordinate once, sorted', () => {
    expect(
      fieldsOf(`{
        first: citizen(nationalId: "038085001234") { name: fullName born: dateOfBirth }
        second: citizen(nationalId: "038185001235") { fullName }
      }`),
    ).toEqual(['Citizen.dateOfBirth', 'Citizen.fullName', 'Query.citizen']);
  });

  it('follows named fragments, nested and reused at several places', () => {
    expect(
      fieldsOf(`
        query {
          citizen(nationalId: "038085001234") { ...Person }
          household(code: "HK001") { head { ...Person } members { citizen { ...Person } } }
        }
        fragment Person on Citizen { fullName ...Home }
        fragment Home on Citizen { currentResidence { addressLine unit { name } } }
      `),
    ).toEqual([
      'AdministrativeUnit.name',
      'Citizen.currentResidence',
      'Citizen.fullName',
      'Household.head',
      'Household.members',
      'HouseholdMembership.citizen',
      'Query.citizen',
      'Query.household',
      'Residence.addressLine',
      'Residence.unit',
    ]);
  });

  it('follows inline fragments, with and without a type condition', () => {
    expect(fieldsOf(`{ citizen(nationalId: "038085001234") { ... on Citizen { sex } ... { ethnicity } } }`)).toEqual([
      'Citizen.ethnicity',
      'Citizen.sex',
      'Query.citizen',
    ]);
  });

  describe('with @skip and @include', () => {
    const fieldsWith = (query: string, variables: Record<string, unknown> | null) => {
      const document = parse(query);
      const operation = selectOperation(document, null);
      return collectFields(apiSchema, document, null, executionConditions(operation, conditionVariableNames(document), variables));
    };
    const QUERY = `query ($hide: Boolean!, $show: Boolean = false) {
      citizen(nationalId: "038085001234") {
        fullName @skip(if: $hide)
        sex @include(if: false)
        ethnicity @include(if: true)
        ... on Citizen @include(if: $show) { dateOfBirth }
        ...Home @skip(if: $hide)
        born: dateOfBirth @skip(if: true)
      }
    }
    fragment Home on Citizen { currentResidence { addressLine } }`;

    it('leaves out what cannot execute with the variables given, with everything under it', () => {
      expect(fieldsWith(QUERY, { hide: true })).toEqual(['Citizen.ethnicity', 'Query.citizen']);
    });

    it('counts what executes, on every path: fields, inline fragments, spreads, aliases', () => {
      expect(fieldsWith(QUERY, { hide: false, show: true })).toEqual([
        'Citizen.currentResidence',
        'Citizen.dateOfBirth',
        'Citizen.ethnicity',
        'Citizen.fullName',
        'Query.citizen',
        'Residence.addressLine',
      ]);
    });

    it('counts a field whose condition cannot be known: a variable missing, null or not a boolean', () => {
      const decidedEverywhere = ['Citizen.currentResidence', 'Citizen.ethnicity', 'Citizen.fullName', 'Query.citizen', 'Residence.addressLine'];
      expect(fieldsWith(QUERY, {})).toEqual(decidedEverywhere);
      expect(fieldsWith(QUERY, null)).toEqual(decidedEverywhere);
      expect(fieldsWith(QUERY, { hide: null })).toEqual(decidedEverywhere);
      expect(fieldsWith(QUERY, { hide: 'true' })).toEqual(decidedEverywhere);
      expect(fieldsWith(QUERY, { hide: 1 })).toEqual(decidedEverywhere);
      expect(fieldsWith(QUERY, { hide: false, show: 'yes' })).toEqual([...decidedEverywhere, 'Citizen.dateOfBirth'].sort());
    });

    it('keeps a field selected twice when one of its selections executes', () => {
      expect(
        fieldsWith(`query ($hide: Boolean!) { citizen(nationalId: "038085001234") { fullName @skip(if: $hide) name: fullName } }`, { hide: true }),
      ).toEqual(['Citizen.fullName', 'Query.citizen']);
    });

    it('keys the conditions by the effective values, defaults included', () => {
      const document = parse(QUERY);
      const operation = selectOperation(document, null);
      const names = conditionVariableNames(document);
      expect(names).toEqual(['hide', 'show']);
      expect(executionConditions(operation, names, { hide: true }).key).toBe('hide=true,show=false');
      expect(executionConditions(operation, names, { hide: 'x', show: true }).key).toBe('hide=?,show=true');
    });
  });

  describe('on an interface position', () => {
    it('lists the interface field and that field of every implementation', () => {
      expect(fieldsOf(`{ citizen(nationalId: "038085001234") { healthEvents { date } } }`)).toEqual([
        'Citizen.healthEvents',
        'Encounter.date',
        'HealthEvent.date',
        'Query.citizen',
        'Vaccination.date',
      ]);
    });

    it('lists only the implementation a type condition names', () => {
      expect(fieldsOf(`{ citizen(nationalId: "038085001234") { healthEvents { ... on Encounter { diagnosisCode } } } }`)).toEqual([
        'Citizen.healthEvents',
        'Encounter.diagnosisCode',
        'Query.citizen',
      ]);
    });

    it('lists, for a fragment on the interface read where only one implementation can be, that implementation alone', () => {
      expect(
        fieldsOf(`
          { citizen(nationalId: "038085001234") { vaccinations { ...Event } } }
          fragment Event on HealthEvent { date facility { name } }
        `),
      ).toEqual([
        'Citizen.vaccinations',
        'HealthEvent.date',
        'HealthEvent.facility',
        'HealthFacility.name',
        'Query.citizen',
        'Vaccination.date',
        'Vaccination.facility',
      ]);
    });

    it('follows a type condition inside an interface fragment', () => {
      expect(
        fieldsOf(`
          { citizen(nationalId: "038085001234") { healthEvents { ...Event } } }
          fragment Event on HealthEvent { ... on Vaccination { vaccine } ... on Encounter { ... on HealthEvent { facility { code } } } }
        `),
      ).toEqual(['Citizen.healthEvents', 'Encounter.facility', 'HealthEvent.facility', 'HealthFacility.code', 'Query.citizen', 'Vaccination.vaccine']);
    });
  });

  describe('on a union position', () => {
    const searchSchema = buildSchema(`
      type Query { search(text: String!): [SearchResult!]! }
      union SearchResult = Person | Place
      interface Named { name: String! }
      type Person implements Named { name: String! birthYear: Int }
      type Place implements Named { name: String! area: Float }
    `);

    it('lists the fields of each member a type condition names', () => {
      expect(fieldsOf(`{ search(text: "An") { __typename ... on Person { birthYear } ... on Place { area } } }`, null, searchSchema)).toEqual([
        'Person.birthYear',
        'Place.area',
        'Query.search',
      ]);
    });

    it('lists, for a condition on an interface the members implement, the interface field and each member field', () => {
      expect(fieldsOf(`{ search(text: "An") { ... on Named { name } } }`, null, searchSchema)).toEqual([
        'Named.name',
        'Person.name',
        'Place.name',
        'Query.search',
      ]);
    });
  });

  it('follows fields reached across subgraphs', () => {
    expect(fieldsOf(`{ landParcel(communeCode: "16018", mapSheetNumber: 1, parcelNumber: 2) { owners { owner { fullName } } } }`)).toEqual([
      'Citizen.fullName',
      'LandOwnership.owner',
      'LandParcel.owners',
      'Query.landParcel',
    ]);
  });

  describe('choosing the operation', () => {
    const document = `
      query Schools { school(code: "38TH40778A") { name } }
      query People { citizen(nationalId: "038085001234") { fullName } }
    `;

    it('reads only the operation named', () => {
      expect(fieldsOf(document, 'People')).toEqual(['Citizen.fullName', 'Query.citizen']);
      expect(fieldsOf(document, 'Schools')).toEqual(['Query.school', 'School.name']);
    });

    it('refuses an unknown operation name with BAD_USER_INPUT', () => {
      const error = errorOf(() => fieldsOf(document, 'Nobody'));
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.message).toBe('Unknown operation named "Nobody"');
    });

    it('refuses a document of several operations without a name with BAD_USER_INPUT', () => {
      expect(errorOf(() => fieldsOf(document)).extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  it('refuses a spread of an unknown fragment with BAD_USER_INPUT', () => {
    expect(errorOf(() => fieldsOf(`{ citizen(nationalId: "038085001234") { ...Missing } }`)).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('ends on a fragment cycle', () => {
    expect(
      fieldsOf(`
        { household(code: "HK001") { ...A } }
        fragment A on Household { code head { householdMembership { household { ...A } } } }
      `),
    ).toEqual(['Citizen.householdMembership', 'Household.code', 'Household.head', 'HouseholdMembership.household', 'Query.household']);
  });

  it('leaves out __typename and introspection', () => {
    expect(
      fieldsOf(`{
        __typename
        __schema { types { name fields { name } } }
        __type(name: "Citizen") { name }
        school(code: "38TH40778A") { __typename name }
      }`),
    ).toEqual(['Query.school', 'School.name']);
  });

  it('adds the fields a root field filters or sorts by', () => {
    expect(fieldsOf(`{ citizensByNamePrefix(prefix: "nguyen") { pageInfo { endCursor } } }`)).toEqual([
      'Citizen.fullName',
      'Citizen.nationalId',
      'CitizenConnection.pageInfo',
      'PageInfo.endCursor',
      'Query.citizensByNamePrefix',
    ]);
    expect(fieldsOf(`{ parcels: landParcelsByCommune(communeCode: "16018") { nodes { id } } }`)).toEqual([
      'LandParcel.communeCode',
      'LandParcel.id',
      'LandParcel.landUsePurpose',
      'LandParcelConnection.nodes',
      'Query.landParcelsByCommune',
    ]);
  });

  it('lists filter fields that are fields of the API schema', () => {
    const coordinates = Object.entries(FILTER_FIELDS).flatMap(([root, fields]) => [root, ...fields]);
    const missing = coordinates.filter((coordinate) => {
      const [typeName = '', fieldName = ''] = coordinate.split('.');
      const type = apiSchema.getType(typeName);
      return !type || !('getFields' in type) || !type.getFields()[fieldName];
    });
    expect(missing).toEqual([]);
  });
});
