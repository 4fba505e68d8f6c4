import type { FieldFacts, GrantTarget } from './types';

/** Given a coordinate "Type.field", returns its type's name. */
function typeOf(coordinate: string): string {
  return coordinate.slice(0, coordinate.indexOf('.'));
}

/**
 * Given a grant's target and a field's facts, tells whether the target names the field: FIELD exactly that
 * field, TYPE every field of the type, CLASSIFICATION every field with exactly that sharing class and
 * personal-data level, within its sector and types when it is limited to them. The rules on INTERNAL and
 * SENSITIVE data are decide()'s, not this function's.
 */
export function targetReaches(target: GrantTarget, facts: FieldFacts): boolean {
  switch (target.kind) {
    case 'FIELD':
      return target.coordinate === facts.coordinate;
    case 'TYPE':
      return typeOf(facts.coordinate) === target.typeName;
    case 'CLASSIFICATION':
      return (
        target.sharing === facts.classification.sharing &&
        target.personal === facts.classification.personal &&
        (!target.sector || target.sector === facts.owner) &&
        (!target.typeNames || target.typeNames.includes(typeOf(facts.coordinate)))
      );
  }
}
