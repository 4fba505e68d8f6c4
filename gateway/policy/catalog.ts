import { Supergraph } from '@apollo/federation-internals';
import { Kind, isInterfaceType, isObjectType, parse } from 'graphql';
import type {
  ConstDirectiveNode,
  DocumentNode,
  GraphQLSchema,
  InterfaceTypeDefinitionNode,
  InterfaceTypeExtensionNode,
  ObjectTypeDefinitionNode,
  ObjectTypeExtensionNode,
} from 'graphql';
import { inSectorOrder } from '../../common/sectors';
import { SECTOR_NAME } from '../../common/sectorsFile';
import { SELF_SERVICE } from '../../schema/load';
import type { Classification, FieldCoordinate, FieldFacts, FieldOwner, ImportanceLevel, PersonalDataLevel, SchemaCatalog, SharingClass } from './types';
import { IMPORTANCE_LEVELS, PERSONAL_DATA_LEVELS, SHARING_CLASSES } from './types';

/** The directive every subgraph SDL classifies its types and fields with, composed into the supergraph. */
export const CLASSIFY_DIRECTIVE = 'classify';

/** The subgraph preferred as owner of a field several subgraphs resolve: the one that holds identity facts. */
const PREFERRED_OWNER = 'population';

type FieldedTypeNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode;

const FIELDED_KINDS: ReadonlySet<string> = new Set([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
]);

/** Given a supergraph SDL, returns the schema clients see: no join or link machinery, no inaccessible element. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** Given a schema, returns "Type.field" for every field of its object and interface types, root types included, sorted. */
export function fieldCoordinatesOf(schema: GraphQLSchema): FieldCoordinate[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) => (isObjectType(type) || isInterfaceType(type) ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
    .sort();
}

/** Given an SDL document, returns its object and interface types and extensions: the definitions with fields. */
export function fieldedTypes(document: DocumentNode): FieldedTypeNode[] {
  return document.definitions.filter((definition): definition is FieldedTypeNode => FIELDED_KINDS.has(definition.kind));
}

/** Given an element's directives and a name, returns the applications of that directive. */
export function directivesNamed(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (directives ?? []).filter((directive) => directive.name.value === name);
}

/** Given a directive application and an argument's name, returns its string value, null when absent. */
export function stringArgument(directive: ConstDirectiveNode, name: string): string | null {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return null;
  if (argument.value.kind !== Kind.STRING && argument.value.kind !== Kind.ENUM) {
    throw new Error(`@${directive.name.value}(${name}:) takes a string, got ${argument.value.kind}`);
  }
  return argument.value.value;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  return argument?.value.kind === Kind.BOOLEAN && argument.value.value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string, where: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${where}: @${CLASSIFY_DIRECTIVE} ${what} "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** One @classify application as written: its importance left out (null) takes the type's. */
type DeclaredClassification = Omit<Classification, 'importance'> & { importance: ImportanceLevel | null; openData: boolean };

/** Given the @classify applications on one element, returns its classification as written, null when it has none. */
function classificationOf(directives: readonly ConstDirectiveNode[] | undefined, where: string): DeclaredClassification | null {
  const [directive, ...others] = directivesNamed(directives, CLASSIFY_DIRECTIVE);
  if (!directive) return null;
  if (others.length > 0) throw new Error(`${where}: @${CLASSIFY_DIRECTIVE} is applied more than once`);
  const sharing = stringArgument(directive, 'sharing');
  if (sharing === null) throw new Error(`${where}: @${CLASSIFY_DIRECTIVE} needs a sharing argument`);
  const importance = stringArgument(directive, 'importance');
  return {
    sharing: oneOf<SharingClass>(sharing, SHARING_CLASSES, 'sharing', where),
    personal: oneOf<PersonalDataLevel>(stringArgument(directive, 'personal') ?? 'NONE', PERSONAL_DATA_LEVELS, 'personal', where),
    importance: importance === null ? null : oneOf<ImportanceLevel>(importance, IMPORTANCE_LEVELS, 'importance', where),
    openData: booleanArgument(directive, 'openData'),
  };
}

const sameDeclaration = (a: DeclaredClassification, b: DeclaredClassification) =>
  a.sharing === b.sharing && a.personal === b.personal && a.importance === b.importance && a.openData === b.openData;

/** Given an SDL document, returns the types whose type-level @classify publishes them as open data, sorted. */
export function declaredOpenDataTypes(document: DocumentNode): string[] {
  return [
    ...new Set(
      fieldedTypes(document)
        .filter((type) => classificationOf(type.directives, type.name.value)?.openData)
        .map((type) => type.name.value),
    ),
  ].sort();
}

/**
 * Given an SDL document (one subgraph's or the supergraph), returns the classification it declares for each
 * field: the field's own @classify, else the @classify of its type. Fields with neither are absent.
 */
export function declaredClassifications(document: DocumentNode): Map<FieldCoordinate, Classification> {
  const types = fieldedTypes(document);
  const typeDefaults = new Map<string, DeclaredClassification>();
  for (const type of types) {
    const classification = classificationOf(type.directives, type.name.value);
    if (!classification) continue;
    const earlier = typeDefaults.get(type.name.value);
    if (earlier && !sameDeclaration(earlier, classification)) {
      throw new Error(`${type.name.value}: two different type-level @${CLASSIFY_DIRECTIVE} applications`);
    }
    typeDefaults.set(type.name.value, classification);
  }
  const classifications = new Map<FieldCoordinate, Classification>();
  for (const type of types) {
    const typeDefault = typeDefaults.get(type.name.value);
    for (const field of type.fields ?? []) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      const declared = classificationOf(field.directives, coordinate) ?? typeDefault;
      if (!declared) continue;
      if (declared.openData && declared !== typeDefault) throw new Error(`${coordinate}: openData publishes a type, not a field`);
      classifications.set(coordinate, {
        sharing: declared.sharing,
        personal: declared.personal,
        importance: declared.importance ?? typeDefault?.importance ?? 'OTHER',
      });
    }
  }
  return classifications;
}

/** Given a supergraph document, returns the subgraph of each join__Graph enum value (EDUCATION -> education). */
function sectorsOfGraphs(document: DocumentNode): Map<string, FieldOwner> {
  const graphEnum = document.definitions.find((definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph');
  if (!graphEnum || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error('The supergraph has no join__Graph enum');
  const sectors = new Map<string, FieldOwner>();
  for (const value of graphEnum.values ?? []) {
    const [joinGraph] = directivesNamed(value.directives, 'join__graph');
    const name = joinGraph ? stringArgument(joinGraph, 'name') : null;
    // The supergraph is the list of sectors: each join__Graph value is one, named as configuration names it.
    if (name === null || (name !== SELF_SERVICE && !SECTOR_NAME.test(name))) {
      throw new Error(`join__Graph.${value.name.value} names no subgraph (${name ?? 'no name'}): a sector's name is lower case`);
    }
    sectors.set(value.name.value, name);
  }
  return sectors;
}

function graphArgument(directive: ConstDirectiveNode): string | null {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === 'graph');
  return argument?.value.kind === Kind.ENUM ? argument.value.value : null;
}

/**
 * Given a supergraph document, returns the sector that resolves each field: the graphs of its @join__field
 * applications (external and overridden ones excluded), else the graphs of its type's @join__type; of several,
 * population, else the first.
 */
function ownersOfFields(document: DocumentNode): Map<FieldCoordinate, FieldOwner> {
  const sectorOf = sectorsOfGraphs(document);
  const toSectors = (graphs: Array<string | null>) =>
    graphs.flatMap((graph) => {
      const sector = graph === null ? undefined : sectorOf.get(graph);
      return sector ? [sector] : [];
    });
  const owners = new Map<FieldCoordinate, FieldOwner>();
  for (const type of fieldedTypes(document)) {
    const typeSectors = toSectors(directivesNamed(type.directives, 'join__type').map(graphArgument));
    for (const field of type.fields ?? []) {
      const resolving = directivesNamed(field.directives, 'join__field').filter(
        (directive) => !booleanArgument(directive, 'external') && !booleanArgument(directive, 'usedOverridden'),
      );
      const fieldSectors = toSectors(resolving.map(graphArgument));
      const sectors = fieldSectors.length > 0 ? fieldSectors : typeSectors;
      const owner = sectors.includes(PREFERRED_OWNER) ? PREFERRED_OWNER : sectors[0];
      if (owner) owners.set(`${type.name.value}.${field.name.value}`, owner);
    }
  }
  return owners;
}

/** Given a supergraph SDL, returns the fields of its API schema that carry no classification, sorted. */
export function unclassifiedFields(supergraphSdl: string): FieldCoordinate[] {
  const classifications = declaredClassifications(parse(supergraphSdl));
  return fieldCoordinatesOf(apiSchemaOf(supergraphSdl)).filter((coordinate) => !classifications.has(coordinate));
}

/**
 * Given a supergraph SDL, returns the classification and owner sector of every field of its API schema.
 * Throws when a field is unclassified or resolved by no known sector: the gateway must not start with a
 * field whose policy it cannot decide.
 */
export function buildCatalog(supergraphSdl: string): SchemaCatalog {
  const document = parse(supergraphSdl);
  const classifications = declaredClassifications(document);
  const owners = ownersOfFields(document);
  const fields = new Map<FieldCoordinate, FieldFacts>();
  const problems: string[] = [];
  for (const coordinate of fieldCoordinatesOf(apiSchemaOf(supergraphSdl))) {
    const classification = classifications.get(coordinate);
    const owner = owners.get(coordinate);
    if (!classification) problems.push(`${coordinate} has no @${CLASSIFY_DIRECTIVE}`);
    if (!owner) problems.push(`${coordinate} is resolved by no known subgraph`);
    if (classification && owner) fields.set(coordinate, { coordinate, classification, owner });
  }
  const openDataTypes = new Set(declaredOpenDataTypes(document));
  for (const facts of fields.values()) {
    const typeName = facts.coordinate.slice(0, facts.coordinate.indexOf('.'));
    if (openDataTypes.has(typeName) && facts.classification.sharing !== 'OPEN')
      problems.push(`${facts.coordinate} is not OPEN, but its type is published as open data`);
  }
  if (problems.length > 0) throw new Error(`The supergraph cannot be catalogued:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  const sectors = inSectorOrder(new Set([...sectorsOfGraphs(document).values()].filter((name) => name !== SELF_SERVICE)));
  return { fields, sectors, openDataTypes };
}
