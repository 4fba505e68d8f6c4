import fs from 'node:fs';
import { composeServices } from '@apollo/composition';
import { Kind, parse } from 'graphql';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import { apiSchemaOf, buildCatalog, declaredClassifications, fieldCoordinatesOf, unclassifiedFields } from '../../gateway/policy/catalog';
import { BUILT_IN_SUBGRAPHS, SUPERGRAPH_PATH, subgraphSdl } from '../../schema/load';

const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');

/** Given replacements of some subgraphs' SDL text, returns the composition of all four. */
function composeWith(edit: (sector: BuiltInSector, sdl: string) => string) {
  return composeServices(
    BUILT_IN_SECTORS.map((sector) => ({ name: sector, typeDefs: parse(edit(sector, subgraphSdl(sector))), url: `http://${sector}.test/graphql` })),
  );
}

function composedSdl(edit: (sector: BuiltInSector, sdl: string) => string): string {
  const result = composeWith(edit);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

describe('classification', () => {
  const catalog = buildCatalog(supergraphSdl);

  it('leaves no field of the committed supergraph unclassified', () => {
    expect(unclassifiedFields(supergraphSdl)).toEqual([]);
  });

  it('catalogs every field of the API schema, root types included, introspection types left out', () => {
    const coordinates = fieldCoordinatesOf(apiSchemaOf(supergraphSdl));
    expect([...catalog.fields.keys()].sort()).toEqual(coordinates);
    expect(coordinates).toEqual(expect.arrayContaining(['Query.citizen', 'Query.school', 'HealthEvent.date', 'PageInfo.endCursor']));
    expect(coordinates.filter((coordinate) => coordinate.startsWith('__'))).toEqual([]);
    expect(coordinates.filter((coordinate) => coordinate.startsWith('join__') || coordinate.startsWith('link__'))).toEqual([]);
  });

  it.each([
    ['Citizen.fullName', 'SHARED', 'BASIC', 'population'],
    ['Citizen.nationalId', 'SHARED', 'BASIC', 'population'],
    ['Citizen.ethnicity', 'SHARED', 'SENSITIVE', 'population'],
    ['Citizen.landParcels', 'SHARED', 'BASIC', 'land'],
    ['Citizen.encounters', 'INTERNAL', 'SENSITIVE', 'health'],
    ['Citizen.healthEvents', 'SHARED', 'SENSITIVE', 'health'],
    ['Encounter.diagnosisCode', 'INTERNAL', 'SENSITIVE', 'health'],
    ['Vaccination.vaccine', 'SHARED', 'SENSITIVE', 'health'],
    ['HealthEvent.date', 'SHARED', 'SENSITIVE', 'health'],
    ['HealthFacility.name', 'OPEN', 'NONE', 'health'],
    ['School.name', 'OPEN', 'NONE', 'education'],
    ['Diploma.serial', 'SHARED', 'BASIC', 'education'],
    ['LandParcel.areaSquareMeters', 'SHARED', 'NONE', 'land'],
    ['LandParcel.owners', 'SHARED', 'BASIC', 'land'],
    ['LandOwnership.sharePercent', 'SHARED', 'BASIC', 'land'],
    ['AdministrativeUnit.code', 'OPEN', 'NONE', 'population'],
    ['AdministrativeUnit.name', 'OPEN', 'NONE', 'population'],
    ['PageInfo.endCursor', 'OPEN', 'NONE', 'population'],
    ['Query.citizen', 'SHARED', 'BASIC', 'population'],
    ['Query.administrativeUnit', 'OPEN', 'NONE', 'population'],
    ['Query.landParcel', 'SHARED', 'NONE', 'land'],
    ['Query.healthFacility', 'OPEN', 'NONE', 'health'],
    ['Query.school', 'OPEN', 'NONE', 'education'],
    ['Query.myAccess', 'SHARED', 'NONE', 'access'],
    ['Query.explainOperation', 'SHARED', 'NONE', 'access'],
    ['AccessGrant.legalBasis', 'SHARED', 'NONE', 'access'],
  ])('classifies %s as %s/%s, owned by %s', (coordinate, sharing, personal, owner) => {
    expect(catalog.fields.get(coordinate)).toEqual({ coordinate, classification: { sharing, personal }, owner });
  });

  it.each(BUILT_IN_SUBGRAPHS)('gives every field of the %s subgraph the classification its own SDL declares', (sector) => {
    const declared = declaredClassifications(parse(subgraphSdl(sector)));
    const fieldCount = parse(subgraphSdl(sector)).definitions.reduce(
      (count, definition) =>
        definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION
          ? count + (definition.fields?.length ?? 0)
          : count,
      0,
    );
    expect(declared.size).toBe(fieldCount);
    for (const [coordinate, classification] of declared) {
      expect({ coordinate, classification }).toEqual({ coordinate, classification: catalog.fields.get(coordinate)?.classification });
    }
  });

  it('composes without a hint about @classify: no two subgraphs classify a type or field differently', () => {
    const result = composeWith((_sector, sdl) => sdl);
    expect(result.errors).toBeUndefined();
    expect((result.hints ?? []).map((hint) => hint.message).filter((message) => message.includes('@classify'))).toEqual([]);
  });

  describe('a supergraph with an unclassified field', () => {
    const sdl = composedSdl((sector, text) => (sector === 'land' ? text.replace(/(landParcels: \[LandParcel!\]) @classify\([^)]*\)/, '$1') : text));

    it('is caught by unclassifiedFields', () => {
      expect(unclassifiedFields(sdl)).toEqual(['Citizen.landParcels']);
    });

    it('is refused by buildCatalog, which names the field', () => {
      expect(() => buildCatalog(sdl)).toThrow(/Citizen\.landParcels has no @classify/);
    });
  });

  it('refuses a classification outside the scheme', () => {
    const sdl = composedSdl((sector, text) =>
      sector === 'education'
        ? text.replace('type School @key(fields: "code") @classify(sharing: "OPEN")', 'type School @key(fields: "code") @classify(sharing: "PUBLIC")')
        : text,
    );
    expect(() => buildCatalog(sdl)).toThrow(/School: @classify sharing "PUBLIC" is not one of OPEN, SHARED, INTERNAL/);
  });
});
