import { parse } from 'graphql';
import type { ConstDirectiveNode, DocumentNode } from 'graphql';
import { buildCatalog, directivesNamed, fieldedTypes, stringArgument } from './catalog';
import type { FieldCoordinate } from './types';

/** The directive every subgraph SDL names its personal data items with for the citizen, composed into the supergraph. */
export const LABEL_DIRECTIVE = 'label';

/** The words a citizen reads for a data item. */
export interface FieldLabel {
  vi: string;
  en: string;
}

/** Given the @label applications on one element, returns its label, null when it has none. */
function labelOf(directives: readonly ConstDirectiveNode[] | undefined, where: string): FieldLabel | null {
  const [directive, ...others] = directivesNamed(directives, LABEL_DIRECTIVE);
  if (!directive) return null;
  if (others.length > 0) throw new Error(`${where}: @${LABEL_DIRECTIVE} is applied more than once`);
  const vi = stringArgument(directive, 'vi');
  const en = stringArgument(directive, 'en');
  if (!vi?.trim() || !en?.trim()) throw new Error(`${where}: @${LABEL_DIRECTIVE} needs a Vietnamese (vi) and an English (en) label`);
  return { vi: vi.trim(), en: en.trim() };
}

/**
 * Given an SDL document (one subgraph's or the supergraph), returns the label it declares for each field: the
 * field's own @label, else the @label of its type. Fields with neither are absent.
 */
export function declaredLabels(document: DocumentNode): Map<FieldCoordinate, FieldLabel> {
  const types = fieldedTypes(document);
  const typeLabels = new Map<string, FieldLabel>();
  for (const type of types) {
    const label = labelOf(type.directives, type.name.value);
    if (label) typeLabels.set(type.name.value, label);
  }
  const labels = new Map<FieldCoordinate, FieldLabel>();
  for (const type of types) {
    for (const field of type.fields ?? []) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      const label = labelOf(field.directives, coordinate) ?? typeLabels.get(type.name.value);
      if (label) labels.set(coordinate, label);
    }
  }
  return labels;
}

/** Given a supergraph SDL, returns its personal fields (BASIC or SENSITIVE) that have no label, own or type's, sorted. */
export function unlabelledPersonalFields(supergraphSdl: string): FieldCoordinate[] {
  const labels = declaredLabels(parse(supergraphSdl));
  return [...buildCatalog(supergraphSdl).fields.values()]
    .filter((facts) => facts.classification.personal !== 'NONE' && !labels.has(facts.coordinate))
    .map((facts) => facts.coordinate)
    .sort();
}
