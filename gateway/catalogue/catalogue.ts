import { isInterfaceType, isObjectType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { isSector } from '../policy/types';
import type { Agency, Classification, FieldOwner, Grant, SchemaCatalog } from '../policy/types';
import { targetCovers } from '../store/grantInput';

/** One field of the catalogue: who produces it, how it is classified, what it means, and the grants that open it. */
export interface CatalogueField<G extends Grant = Grant> {
  coordinate: string;
  name: string;
  description: string | null;
  /** The sector (subgraph) that produces it, or "access" for the gateway's own self-service. */
  owner: FieldOwner;
  classification: Classification;
  /** The grants in force or pending, of agencies other than the owner, that disclose the field; none for open data. */
  grants: G[];
}

/** One type of the catalogue, with its fields. */
export interface CatalogueType<G extends Grant = Grant> {
  name: string;
  description: string | null;
  /** The sectors producing its fields, in the order the catalogue first meets them. */
  owners: FieldOwner[];
  /** Whether it is published as a dataset of the open-data portal. */
  openData: boolean;
  fields: Array<CatalogueField<G>>;
}

/** Given a sector and the registered agencies, returns the agency that owns its database: the one registered with it. */
export function ownerAgency(owner: FieldOwner, agencies: readonly Agency[]): Agency | null {
  return isSector(owner) ? (agencies.find((agency) => agency.sector === owner) ?? null) : null;
}

/**
 * Given the API schema, its catalog, and the grants in force or pending, returns every object and interface type
 * with every field: owner, classification, description, and the grants that open it (targetCovers: INTERNAL data
 * none, SENSITIVE data field grants only). Types and fields are sorted by name.
 */
export function buildCatalogue<G extends Grant>(schema: GraphQLSchema, catalog: SchemaCatalog, grants: readonly G[]): Array<CatalogueType<G>> {
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .filter((type) => isObjectType(type) || isInterfaceType(type))
    .sort((a, b) => a.name.localeCompare(b.name));
  return types.flatMap((type) => {
    if (!isObjectType(type) && !isInterfaceType(type)) return [];
    const fields = Object.values(type.getFields())
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((field): Array<CatalogueField<G>> => {
        const coordinate = `${type.name}.${field.name}`;
        const facts = catalog.fields.get(coordinate);
        if (!facts) return [];
        const opening = facts.classification.sharing === 'OPEN' ? [] : grants.filter((grant) => grant.revokedAt === null && targetCovers(grant.target, facts));
        return [
          { coordinate, name: field.name, description: field.description ?? null, owner: facts.owner, classification: facts.classification, grants: opening },
        ];
      });
    return [
      {
        name: type.name,
        description: type.description ?? null,
        owners: [...new Set(fields.map((field) => field.owner))],
        openData: catalog.openDataTypes.has(type.name),
        fields,
      },
    ];
  });
}
