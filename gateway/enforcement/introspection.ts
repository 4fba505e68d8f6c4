import { Kind, getNamedType, isInterfaceType, isObjectType } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLFieldConfig,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { MapperKind, mapSchema, pruneSchema } from '@graphql-tools/utils';
import { decide } from '../policy/decide';
import type { Decision, FieldCoordinate, PolicySnapshot, Principal, Purpose, SchemaCatalog } from '../policy/types';
import { PURPOSES } from '../policy/types';

/** The root fields answered from the schema itself rather than from data. */
const INTROSPECTION_ROOT_FIELDS = new Set(['__schema', '__type']);

function rootFieldNames(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return [];
    seen.add(fragment.name.value);
    return rootFieldNames(fragment.selectionSet, fragments, seen);
  });
}

/**
 * Given a document and its selected operation, tells how the operation uses introspection: 'none', 'only'
 * (nothing but __schema, __type and __typename at the root) or 'mixed' (introspection beside data fields).
 */
export function introspectionUse(document: DocumentNode, operation: OperationDefinitionNode): 'none' | 'only' | 'mixed' {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const names = rootFieldNames(operation.selectionSet, fragments);
  const introspective = names.filter((name) => INTROSPECTION_ROOT_FIELDS.has(name));
  if (introspective.length === 0) return 'none';
  return names.every((name) => name.startsWith('__')) ? 'only' : 'mixed';
}

/**
 * Given the API schema and whether the caller may read a field ("Type.field"), returns the schema the caller
 * sees in introspection: readable fields only, types left with no field removed, and fields that lead only
 * to removed types removed too, so an explorer autocompletes only what will work.
 */
export function visibleSchema(schema: GraphQLSchema, readable: (coordinate: string) => boolean): GraphQLSchema {
  const kept = new Map<string, Set<string>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    kept.set(type.name, new Set(Object.keys(type.getFields()).filter((field) => readable(`${type.name}.${field}`))));
  }
  // Drop fields whose type has lost all its fields, until nothing changes: such a field could only fail.
  let changed = true;
  while (changed) {
    changed = false;
    for (const [typeName, fields] of kept) {
      const type = schema.getType(typeName) as GraphQLObjectType | GraphQLInterfaceType;
      for (const field of [...fields]) {
        const target = kept.get(getNamedType(type.getFields()[field]!.type).name);
        if (target && target.size === 0) {
          fields.delete(field);
          changed = true;
        }
      }
    }
  }
  const keep = (typeName: string, fieldName: string) => kept.get(typeName)?.has(fieldName) ?? true;
  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => (keep(typeName, fieldName) ? field : null),
    [MapperKind.INTERFACE_FIELD]: (field, fieldName, typeName) => (keep(typeName, fieldName) ? field : null),
    [MapperKind.OBJECT_TYPE]: (type) => (kept.get(type.name)?.size === 0 && type !== schema.getQueryType() ? null : type),
    [MapperKind.INTERFACE_TYPE]: (type) => (kept.get(type.name)?.size === 0 ? null : type),
  });
  return pruneSchema(mapped);
}

/**
 * Given who asks, the purpose the request names, the policy, the catalog and the clock, returns the fields
 * the caller may read (allowed or masked) for that purpose, with the decisions that say so; with no purpose, for
 * at least one purpose (each field still needs the purpose that opens it when it is read).
 */
export function readableCoordinates(
  principal: Principal,
  purpose: Purpose | null,
  snapshot: PolicySnapshot,
  catalog: SchemaCatalog,
  now: Date,
): { readable: Set<FieldCoordinate>; decisions: Decision[] } {
  const coordinates = [...catalog.fields.keys()];
  const readable = new Set<FieldCoordinate>();
  const decisions: Decision[] = [];
  for (const asked of purpose === null ? [null, ...PURPOSES] : [purpose]) {
    const decision = decide({ principal, purpose: asked, fields: coordinates, snapshot, catalog, now });
    decisions.push(decision);
    for (const field of decision.fields) if (field.effect !== 'DENY') readable.add(field.coordinate);
  }
  return { readable, decisions };
}

/**
 * Given a schema and a note per field ("Type.field"), returns the schema with each note appended to its field's
 * description: what introspection tells one caller about each field it may read.
 */
export function withFieldNotes(schema: GraphQLSchema, noteOf: (coordinate: string) => string | undefined): GraphQLSchema {
  const describe = (field: GraphQLFieldConfig<unknown, unknown>, fieldName: string, typeName: string): GraphQLFieldConfig<unknown, unknown> => {
    const note = noteOf(`${typeName}.${fieldName}`);
    return note === undefined ? field : { ...field, description: field.description ? `${field.description}\n\n${note}` : note };
  };
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: describe, [MapperKind.INTERFACE_FIELD]: describe });
}
