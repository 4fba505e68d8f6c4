import { parse, printSchema } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { introspectionUse, visibleSchema } from '../../gateway/enforcement/introspection';
import { SCHEMA } from './helpers';

function use(query: string) {
  const document = parse(query);
  return introspectionUse(document, document.definitions.find((definition) => definition.kind === 'OperationDefinition') as OperationDefinitionNode);
}

describe('introspectionUse', () => {
  it('tells data, pure introspection and a mix apart, through fragments', () => {
    expect(use('{ citizen(id: "1") { fullName } }')).toBe('none');
    expect(use('{ __schema { types { name } } __typename }')).toBe('only');
    expect(use('{ ...F } fragment F on Query { __type(name: "Citizen") { name } }')).toBe('only');
    expect(use('{ __schema { types { name } } ...F } fragment F on Query { school(code: "x") { name } }')).toBe('mixed');
  });
});

describe('visibleSchema', () => {
  it('keeps readable fields only and drops what would lead nowhere', () => {
    const readable = new Set(['Query.citizen', 'Query.school', 'Citizen.fullName', 'Citizen.school', 'School.name']);
    const printed = printSchema(visibleSchema(SCHEMA, (coordinate) => readable.has(coordinate)));
    expect(printed).toContain('type Citizen {\n  fullName: String!\n  school: School\n}');
    expect(printed).not.toContain('dateOfBirth');
    expect(printed).not.toContain('interface Event');
  });

  it('removes a field whose type has lost every field', () => {
    const readable = new Set(['Query.citizen', 'Query.school', 'School.name', 'Citizen.events']);
    const printed = printSchema(visibleSchema(SCHEMA, (coordinate) => readable.has(coordinate)));
    expect(printed).not.toContain('citizen(');
    expect(printed).not.toContain('type Citizen');
    expect(printed).toContain('school(code: String!): School');
  });
});
