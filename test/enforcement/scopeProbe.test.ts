import fs from 'node:fs';
import { Kind, getNamedType, isObjectType, parse, print } from 'graphql';
import type { ObjectTypeDefinitionNode } from 'graphql';
import { SCOPED_ENTITIES, SCOPE_PROBE, withScopeProbe } from '../../gateway/enforcement/scopeProbe';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import { ENTITY_KEYS, ENTITY_REFERENCES } from '../../gateway/policy/decide';
import { SUPERGRAPH_PATH } from '../../schema/load';

const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = apiSchemaOf(supergraphSdl);
const POPULATION = new Set(['population'] as const);

describe('withScopeProbe', () => {
  it('asks the probe of every citizen selection, in fields, fragments and inline fragments, when population restricts rows', () => {
    const document = parse(`{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 2) { owners { owner { nationalId } } }
      diploma(serial: "THPT00000001") { holder { ...H } } }
      fragment H on Citizen { ... on Citizen { fullName } }`);
    const probed = withScopeProbe(schema, document, POPULATION);
    expect(print(probed)).toBe(
      print(
        parse(`{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 2) { owners { owner { nationalId ${SCOPE_PROBE}: inScope } } }
          diploma(serial: "THPT00000001") { holder { ...H ${SCOPE_PROBE}: inScope } } }
          fragment H on Citizen { ... on Citizen { fullName ${SCOPE_PROBE}: inScope } ${SCOPE_PROBE}: inScope }`),
      ),
    );
  });

  it('leaves the document alone when population does not restrict rows', () => {
    const document = parse('{ citizen(nationalId: "038085001234") { fullName } }');
    expect(withScopeProbe(schema, document, new Set(['land'] as const))).toBe(document);
  });

  it("refuses a document that uses the probe's alias, which would let the client answer in its place", () => {
    expect(() => withScopeProbe(schema, parse(`{ citizen(nationalId: "038085001234") { ${SCOPE_PROBE}: fullName } }`), POPULATION)).toThrow(/reserved/);
  });

  it('names every entity several subgraphs resolve whose rows are not open data, with its key', () => {
    const catalog = buildCatalog(supergraphSdl);
    const shared = parse(supergraphSdl).definitions.filter((definition): definition is ObjectTypeDefinitionNode => {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return false;
      const keyed = (definition.directives ?? []).filter(
        (directive) => directive.name.value === 'join__type' && directive.arguments?.some((argument) => argument.name.value === 'key'),
      );
      return keyed.length > 1;
    });
    const scoped = shared
      .filter((type) => (type.fields ?? []).some((field) => catalog.fields.get(`${type.name.value}.${field.name.value}`)?.classification.sharing !== 'OPEN'))
      .map((type) => type.name.value);
    expect(scoped).toEqual(['Citizen']);
    expect(SCOPED_ENTITIES.map((entity) => entity.typeName)).toEqual(scoped);
    expect(Object.keys(ENTITY_KEYS)).toEqual(scoped);
    for (const entity of SCOPED_ENTITIES) expect(catalog.fields.get(`${entity.typeName}.${entity.probeField}`)?.owner).toBe(entity.owner);
  });

  it("knows every field that returns such an entity, so that reaching one by any field applies its key's scope", () => {
    const references: Record<string, string> = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const returned = getNamedType(field.type).name;
        if (returned in ENTITY_KEYS) references[`${type.name}.${field.name}`] = returned;
      }
    }
    expect(ENTITY_REFERENCES).toEqual(references);
  });
});
