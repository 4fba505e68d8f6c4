import { isAbstractType } from 'graphql';
import type { GraphQLCompositeType, GraphQLSchema } from 'graphql';
import type { FieldDecision, MaskKind } from '../policy/types';

/** How the gateway treats one field in a response, from the decision. */
export interface FieldRule {
  denied: FieldDecision | null;
  mask: MaskKind | null;
}

/**
 * Given the schema, the decided fields, a parent type, a field name and (when known) the runtime type of the
 * object, returns how to treat the field. At an interface or union position whose runtime type is unknown,
 * the strictest rule of every possible type applies.
 */
export function fieldRule(
  schema: GraphQLSchema,
  decisions: ReadonlyMap<string, FieldDecision>,
  parentType: GraphQLCompositeType,
  fieldName: string,
  runtimeTypeName?: string,
): FieldRule {
  const typeNames = [parentType.name];
  if (isAbstractType(parentType)) {
    const possible = schema.getPossibleTypes(parentType).map((type) => type.name);
    typeNames.push(...(runtimeTypeName && possible.includes(runtimeTypeName) ? [runtimeTypeName] : possible));
  }
  let denied: FieldDecision | null = null;
  let mask: MaskKind | null = null;
  for (const typeName of typeNames) {
    const decision = decisions.get(`${typeName}.${fieldName}`);
    if (!decision) continue;
    if (decision.effect === 'DENY') denied ??= decision;
    if (decision.effect === 'MASK') mask ??= decision.mask;
  }
  return { denied, mask };
}
