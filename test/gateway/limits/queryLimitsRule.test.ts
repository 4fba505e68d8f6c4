import type { GraphQLError } from 'graphql';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../../../common/config';
import { queryLimitsRule } from '../../../gateway/limits/queryLimitsRule';
import { reservedAliasesRule } from '../../../gateway/limits/reservedAliasesRule';

const schema = buildSchema(`
  directive @tag on FIELD
  type Query { a(first: Int): A  n: Int }
  type A { b: A  n: Int }
`);
const limits = { ...loadConfig({}).queryLimits, maxDepth: 3, maxAliases: 2, maxDirectives: 2, maxCost: 50 };

function errorsOf(query: string): GraphQLError[] {
  return [...validate(schema, parse(query), [...specifiedRules, queryLimitsRule(limits), reservedAliasesRule(['__probe'])])];
}

function expectValid(query: string): void {
  expect(errorsOf(query)).toEqual([]);
}

function expectRefused(query: string, limit: string, found: number): GraphQLError {
  const errors = errorsOf(query);
  expect(errors.map((error) => error.extensions)).toEqual([
    { code: 'QUERY_TOO_COMPLEX', limit, maximum: limits[`max${limit[0]!.toUpperCase()}${limit.slice(1)}` as keyof typeof limits], found },
  ]);
  return errors[0]!;
}

describe('queryLimitsRule', () => {
  it('accepts an operation within every limit', () => {
    expectValid('{ a { b { n } } x: n y: n }');
  });

  it('refuses depth over the limit, named with its figure and setting', () => {
    const error = expectRefused('query Deep { a { b { b { n } } } }', 'depth', 4);
    expect(error.message).toBe('The operation Deep is too complex: its depth (levels of fields) is 4, over the limit of 3 (QUERY_MAX_DEPTH)');
  });

  it('does not count inline fragments as depth', () => {
    expectValid(`{ a { ... on A { ... on A { ... on A { b { n } } } } } }`);
  });

  it('refuses aliases over the limit, a fragment counted as often as it is spread', () => {
    expectRefused('{ ...F ...F } fragment F on Query { x: n y: n }', 'aliases', 4);
  });

  it('refuses directives over the limit', () => {
    expectRefused('{ n @tag a { n @tag b { n @tag } } }', 'directives', 3);
  });

  it('refuses cost over the limit', () => {
    // a(first: 10) { n }: (2 + 1.5) × 10 = 35, twice through the fragment.
    expectRefused('{ ...F ...F } fragment F on Query { a(first: 10) { n } }', 'cost', 70);
  });

  it('measures each operation of a document', () => {
    const errors = errorsOf('query Small { n } query Deep { a { b { b { n } } } }');
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/^The operation Deep is too complex/)]);
  });

  it('refuses a reserved alias', () => {
    expect(errorsOf('{ a { __probe: n } }').map((error) => [error.message, error.extensions.code])).toEqual([
      ['The alias __probe is reserved by the gateway: choose another', 'BAD_USER_INPUT'],
    ]);
  });
});
