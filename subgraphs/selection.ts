import { Kind } from 'graphql';
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** Given a selection set, the document's fragments and a field name, tells whether the set or a fragment in it selects the field. */
function selectionSelects(selectionSet: SelectionSetNode | undefined, fragments: GraphQLResolveInfo['fragments'], name: string): boolean {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD && selection.name.value === name) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT && selectionSelects(selection.selectionSet, fragments, name)) return true;
    if (selection.kind === Kind.FRAGMENT_SPREAD && selectionSelects(fragments[selection.name.value]?.selectionSet, fragments, name)) return true;
  }
  return false;
}

/**
 * Given a resolver's info and a field name, tells whether the resolved field's selection asks for that field of its
 * value, directly or through fragments (a @skip or @include is not read: at worst a row is read that is not served).
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) => selectionSelects(node.selectionSet, info.fragments, name));
}
