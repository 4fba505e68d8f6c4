import { auditOutcome } from '../../gateway/enforcement/auditing';
import type { Decision } from '../../gateway/policy/types';

const decision = (allowed: boolean) => ({ allowed }) as Decision;
const error = (code: string) => ({ message: code, extensions: { code } });

describe('auditOutcome', () => {
  it.each([
    ['a refusal without data', undefined, false, [error('FORBIDDEN')], 'DENIED'],
    ['a missing purpose', decision(false), false, [error('PURPOSE_REQUIRED')], 'DENIED'],
    ['a refused credential', undefined, false, [error('UNAUTHENTICATED')], 'DENIED'],
    ['filter mode removing fields', decision(false), true, [error('FORBIDDEN')], 'FILTERED'],
    ['a subgraph down', decision(true), true, [error('SUBGRAPH_UNAVAILABLE')], 'FAILED'],
    ['a validation error, with no decision', undefined, false, [error('GRAPHQL_VALIDATION_FAILED')], 'FAILED'],
    ['a clean answer', decision(true), true, [], 'ALLOWED'],
    ['introspection, answered with no decision', undefined, true, [], 'ALLOWED'],
    ['a syntax error, with no decision', undefined, false, [error('GRAPHQL_PARSE_FAILED')], 'FAILED'],
  ] as const)('%s is %s', (_case, given, hasData, errors, expected) => {
    expect(auditOutcome(given, hasData, errors)).toBe(expected);
  });
});
