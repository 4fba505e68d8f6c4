import { Kind, visit } from 'graphql';
import type { DirectiveNode, DocumentNode, OperationDefinitionNode, SelectionNode, ValueNode } from 'graphql';

/**
 * What @skip and @include depend on in one request: the effective value of each operation variable the
 * document uses in their `if`, true or false, or null when it cannot be known (the variable is missing
 * without a default, null, or not a boolean: execution then fails on it, so nothing is skipped on its word).
 */
export interface ExecutionConditions {
  values: ReadonlyMap<string, boolean | null>;
  /** The values in a stable text, for the caches keyed by operation: "hide=true,show=?". */
  key: string;
}

/** Conditions of a document that uses no variable in @skip or @include. */
export const NO_CONDITIONS: ExecutionConditions = { values: new Map(), key: '' };

const CONDITION_DIRECTIVES: ReadonlySet<string> = new Set(['skip', 'include']);

function ifArgument(directive: DirectiveNode): ValueNode | undefined {
  return directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
}

/** Given a document, returns the names of the variables used in an @skip or @include `if`, sorted and unique. */
export function conditionVariableNames(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(directive) {
      const value = CONDITION_DIRECTIVES.has(directive.name.value) ? ifArgument(directive) : undefined;
      if (value?.kind === Kind.VARIABLE) names.add(value.name.value);
    },
  });
  return [...names].sort();
}

/**
 * Given the operation to run, the names conditionVariableNames found and the variables as the request sent
 * them, returns the conditions: a variable the request leaves out takes its literal boolean default.
 */
export function executionConditions(
  operation: OperationDefinitionNode,
  names: readonly string[],
  variables: Readonly<Record<string, unknown>> | null | undefined,
): ExecutionConditions {
  if (names.length === 0) return NO_CONDITIONS;
  const values = new Map<string, boolean | null>();
  for (const name of names) {
    const definition = operation.variableDefinitions?.find((candidate) => candidate.variable.name.value === name);
    const sent = variables && Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
    const fallback = definition?.defaultValue?.kind === Kind.BOOLEAN ? definition.defaultValue.value : null;
    // An undefined variable fails validation; one sent as anything but a boolean fails coercion.
    const value = definition === undefined ? null : sent === undefined ? fallback : typeof sent === 'boolean' ? sent : null;
    values.set(name, value);
  }
  return { values, key: [...values].map(([name, value]) => `${name}=${value === null ? '?' : value}`).join(',') };
}

function conditionValue(directive: DirectiveNode, conditions: ExecutionConditions): boolean | null {
  const value = ifArgument(directive);
  if (value?.kind === Kind.BOOLEAN) return value.value;
  if (value?.kind === Kind.VARIABLE) return conditions.values.get(value.name.value) ?? null;
  return null;
}

/**
 * Given a selection and the request's conditions, tells whether it may execute: false only when an
 * @skip is surely true or an @include surely false. A condition that cannot be known keeps the selection,
 * so that it is decided rather than let through undecided.
 */
export function mayExecute(selection: SelectionNode, conditions: ExecutionConditions): boolean {
  for (const directive of selection.directives ?? []) {
    const name = directive.name.value;
    if (!CONDITION_DIRECTIVES.has(name)) continue;
    const value = conditionValue(directive, conditions);
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}
