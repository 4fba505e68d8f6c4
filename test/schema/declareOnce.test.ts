import { Kind, parse } from 'graphql';
import type { ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from 'graphql';
import type { BuiltInSector } from '../../common/sectors';
import { listTables } from '../../db/connection';
import { subgraphSdl } from '../../schema/load';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const OTHER_SECTORS: BuiltInSector[] = ['land', 'health', 'education'];

/** Identity facts: they live in the population database only ("declare once, reuse for life"). */
const IDENTITY_FIELDS = ['fullName', 'dateOfBirth', 'sex', 'ethnicity', 'nationality', 'permanentResidence', 'currentResidence', 'status', 'dateOfDeath'];
const IDENTITY_COLUMNS = [
  'full_name',
  'search_name',
  'date_of_birth',
  'sex',
  'ethnicity',
  'nationality',
  'permanent_address',
  'current_address',
  'permanent_unit_code',
  'current_unit_code',
  'date_of_death',
];

function objectTypes(sector: BuiltInSector): Array<ObjectTypeDefinitionNode | ObjectTypeExtensionNode> {
  return parse(subgraphSdl(sector)).definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
}

function fieldsOf(sector: BuiltInSector, typeName: string): string[] {
  return objectTypes(sector)
    .filter((type) => type.name.value === typeName)
    .flatMap((type) => (type.fields ?? []).map((field) => field.name.value));
}

describe('declare once', () => {
  it('population declares the identity facts of a citizen', () => {
    expect(fieldsOf('population', 'Citizen')).toEqual(expect.arrayContaining(IDENTITY_FIELDS));
  });

  it.each(OTHER_SECTORS)('the %s subgraph adds only its own facts to Citizen, keyed by nationalId', (sector) => {
    const fields = fieldsOf(sector, 'Citizen');
    expect(fields).toContain('nationalId');
    const populationFields = fieldsOf('population', 'Citizen').filter((field) => field !== 'nationalId');
    expect(fields.filter((field) => populationFields.includes(field))).toEqual([]);
  });

  it.each(OTHER_SECTORS)('no type of the %s subgraph carries an identity fact', (sector) => {
    const offending = objectTypes(sector).flatMap((type) =>
      (type.fields ?? []).filter((field) => IDENTITY_FIELDS.includes(field.name.value)).map((field) => `${type.name.value}.${field.name.value}`),
    );
    expect(offending).toEqual([]);
  });

  describe('in the databases', () => {
    let databases: TestDatabases;
    beforeAll(async () => {
      databases = await createTestDatabases();
    });
    afterAll(async () => {
      await databases?.destroy();
    });

    it.each(OTHER_SECTORS)('no table of the %s database has a column for an identity fact', async (sector) => {
      const db = databases.databases[sector];
      const tables = await listTables(db);
      expect(tables.length).toBeGreaterThanOrEqual(3);
      for (const table of tables) {
        const columns = Object.keys(await db(table).columnInfo());
        expect(columns.length).toBeGreaterThan(0);
        expect(columns.filter((column) => IDENTITY_COLUMNS.includes(column))).toEqual([]);
      }
    });
  });
});
