import { Kind } from 'graphql';
import type { DirectiveNode, DocumentNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';

/**
 * What the limits measure of an operation, as if every fragment were written out where it is spread (the
 * expanded operation): a fragment spread twice counts twice.
 */
export interface OperationFigures {
  /**
   * Levels of fields, the deepest path: `{ a { b } }` is 2; fragments and inline fragments add no level, nor does
   * introspection's `ofType`, one step along a single type reference (`[String!]!`), which cannot fan out: an
   * explorer's introspection query is 6 levels deep, where its nested `ofType` would make it 15.
   */
  depth: number;
  /** Fields written with an alias. */
  aliases: number;
  /** Directive uses, on the operation, its variables, fields, fragments and spreads. */
  directives: number;
  /**
   * A leaf costs 1; a field with a selection 2 plus 1.5 times its selection's cost, times its page size
   * (`first` or `last`, when written as a number).
   */
  cost: number;
}

/** Costs of the cost figure; the same weights graphql-armor's cost limit used. */
const LEAF_COST = 1;
const OBJECT_COST = 2;
const NESTING_FACTOR = 1.5;

/** Introspection's link from a wrapping type (list, non-null) to the type it wraps. */
const TYPE_REFERENCE_STEP = 'ofType';

/** Figures grow geometrically with fragment spreads; past this they are only "too large", and stay finite. */
const SATURATION = Number.MAX_SAFE_INTEGER;

const NONE: OperationFigures = Object.freeze({ depth: 0, aliases: 0, directives: 0, cost: 0 });

function saturated(value: number): number {
  return value > SATURATION ? SATURATION : value;
}

function add(into: OperationFigures, figures: OperationFigures, times = 1): void {
  into.depth = Math.max(into.depth, figures.depth);
  into.aliases = saturated(into.aliases + figures.aliases * times);
  into.directives = saturated(into.directives + figures.directives * times);
  into.cost = saturated(into.cost + figures.cost * times);
}

function directiveCount(directives: readonly DirectiveNode[] | undefined): number {
  return directives?.length ?? 0;
}

/** Given a field, returns the page size it asks for (`first` or `last` as a literal number), 1 otherwise. */
function pageSize(field: FieldNode): number {
  const argument = field.arguments?.find((candidate) => candidate.name.value === 'first' || candidate.name.value === 'last');
  if (argument?.value.kind !== Kind.INT) return 1;
  return Math.max(1, Number.parseInt(argument.value.value, 10) || 1);
}

/**
 * Given a document, returns a function that, given one of its operations, returns that operation's figures.
 * Each fragment's figures are computed once and multiplied by the times it is spread, so the time taken is
 * linear in the document's size however the fragments multiply. A fragment that spreads itself (which graphql's
 * NoFragmentCycles refuses) counts nothing inside its own cycle; an unknown fragment counts nothing.
 */
export function operationFigures(document: DocumentNode): (operation: OperationDefinitionNode) => OperationFigures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const ofFragment = new Map<string, OperationFigures>();
  const inProgress = new Set<string>();

  const fragmentFigures = (name: string): OperationFigures => {
    const known = ofFragment.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return NONE;
    inProgress.add(name);
    const figures = selectionSetFigures(fragment.selectionSet);
    figures.directives = saturated(figures.directives + directiveCount(fragment.directives));
    inProgress.delete(name);
    ofFragment.set(name, figures);
    return figures;
  };

  const fieldFigures = (field: FieldNode): OperationFigures => {
    const own = { depth: 1, aliases: field.alias ? 1 : 0, directives: directiveCount(field.directives), cost: LEAF_COST };
    if (!field.selectionSet) return own;
    const below = selectionSetFigures(field.selectionSet);
    return {
      depth: (field.name.value === TYPE_REFERENCE_STEP ? 0 : 1) + below.depth,
      aliases: saturated(own.aliases + below.aliases),
      directives: saturated(own.directives + below.directives),
      cost: saturated((OBJECT_COST + NESTING_FACTOR * below.cost) * pageSize(field)),
    };
  };

  function selectionSetFigures(selectionSet: SelectionSetNode): OperationFigures {
    const figures = { ...NONE };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        add(figures, fieldFigures(selection));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(figures, selectionSetFigures(selection.selectionSet));
        figures.directives = saturated(figures.directives + directiveCount(selection.directives));
      } else {
        add(figures, fragmentFigures(selection.name.value));
        figures.directives = saturated(figures.directives + directiveCount(selection.directives));
      }
    }
    return figures;
  }

  return (operation) => {
    const figures = selectionSetFigures(operation.selectionSet);
    const variableDirectives = (operation.variableDefinitions ?? []).reduce((sum, variable) => sum + directiveCount(variable.directives), 0);
    figures.directives = saturated(figures.directives + directiveCount(operation.directives) + variableDirectives);
    figures.cost = Math.ceil(figures.cost);
    return figures;
  };
}
