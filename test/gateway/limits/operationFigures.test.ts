import { Kind, getIntrospectionQuery, parse } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import type { OperationFigures } from '../../../gateway/limits/operationFigures';
import { operationFigures } from '../../../gateway/limits/operationFigures';

/** Given a document's text, returns the figures of its first operation. */
function figuresOf(query: string): OperationFigures {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return operationFigures(document)(operation);
}

/** A fragment F0 spreading F1 twice, F1 spreading F2 twice, …, down to F<levels> selecting `leaf`. */
function explosion(levels: number, leaf = '__typename'): string {
  const fragments = Array.from({ length: levels }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
  return `query Boom { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { ${leaf} }`;
}

describe('operationFigures', () => {
  it('counts depth in levels of fields, not of fragments', () => {
    expect(figuresOf('{ a { b { c } } }').depth).toBe(3);
    const nested = `${'... on Query { '.repeat(12)}a { b }${' }'.repeat(12)}`;
    expect(figuresOf(`{ ${nested} }`).depth).toBe(2);
    expect(figuresOf('{ a { ...B } } fragment B on A { b { ...C } } fragment C on B { c }').depth).toBe(3);
  });

  it("does not count introspection's ofType as a level: an explorer's introspection query is 6 deep", () => {
    expect(figuresOf(getIntrospectionQuery()).depth).toBe(6);
    expect(figuresOf('{ __schema { types { fields { type { fields { name } } } } } }').depth).toBe(6);
  });

  it('costs a leaf 1 and a field with a selection 2 plus 1.5 times its selection, times its page size', () => {
    expect(figuresOf('{ a b }').cost).toBe(2);
    // a: 2 + 1.5 × (b: 1 + c: 1) = 5
    expect(figuresOf('{ a { b c } }').cost).toBe(5);
    // a(first: 10): (2 + 1.5 × (2 + 1.5 × 1)) × 10 = 72.5, rounded up
    expect(figuresOf('{ a(first: 10) { b { c } } }').cost).toBe(73);
    expect(figuresOf('{ a(first: 10) { ...B } } fragment B on A { b { c } }').cost).toBe(73);
  });

  it('counts aliases as written, each fragment as often as it is spread', () => {
    expect(figuresOf('{ x: a y: a { z: b } }').aliases).toBe(3);
    expect(figuresOf('{ ...F ...F a { ...F } } fragment F on Query { one: a two: a }').aliases).toBe(6);
  });

  it('counts directives on the operation, variables, fields, fragments and spreads', () => {
    expect(figuresOf('query Q($v: Int @d) @d { a @d ... @d { b @d } ...F @d } fragment F on Query @d { c @d }').directives).toBe(8);
    expect(figuresOf('{ ...F ...F } fragment F on Query { a @include(if: true) @skip(if: false) }').directives).toBe(4);
  });

  it('multiplies a fragment spread twice: the explosion of 30 levels costs 2^30', () => {
    expect(figuresOf(explosion(30))).toEqual({ depth: 1, aliases: 0, directives: 0, cost: 2 ** 30 });
    expect(figuresOf(explosion(30, 'x: __typename')).aliases).toBe(2 ** 30);
  });

  it('saturates figures past 2^53 instead of losing them: 60 levels and 2000 levels stay "too large"', () => {
    expect(figuresOf(explosion(60)).cost).toBe(Number.MAX_SAFE_INTEGER);
    // An algorithm that walked every spread would take 2^2000 steps and never come back (the test's timeout
    // fails it); one that computes each fragment once answers at once. Timings belong to the bench (limitsCost.ts).
    expect(figuresOf(explosion(2000)).cost).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('ends a fragment cycle and ignores an unknown fragment', () => {
    expect(figuresOf('{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }')).toEqual({ depth: 1, aliases: 0, directives: 0, cost: 2 });
    expect(figuresOf('{ a ...Missing }').cost).toBe(1);
  });
});
