import { parse } from 'graphql';
import { clientErrorStatus } from '../../../gateway/limits/clientErrorStatus';
import { operationResolutionError } from '../../../gateway/limits/operationResolutionPlugin';

const error = (code: string) => ({ message: code, extensions: { code } });

describe('clientErrorStatus', () => {
  it.each([
    ['a client error raised without a status', 500, [error('BAD_USER_INPUT')], 400],
    ['client errors of several kinds', 500, [error('GRAPHQL_VALIDATION_FAILED'), error('QUERY_TOO_COMPLEX')], 400],
    ['a server error beside a client error', 500, [error('BAD_USER_INPUT'), error('INTERNAL_SERVER_ERROR')], 500],
    ['a server error', 500, [error('INTERNAL_SERVER_ERROR')], 500],
    ['a status already chosen', 403, [error('BAD_USER_INPUT')], 403],
    ['no status', undefined, [error('BAD_USER_INPUT')], undefined],
  ] as const)('given %s, answers %s', (_case, status, errors, expected) => {
    expect(clientErrorStatus(status, errors)).toBe(expected);
  });
});

describe('operationResolutionError', () => {
  it.each([
    ['query A { n }', 'B', 'The document has no operation named "B"'],
    ['query A { n } query B { n }', undefined, 'The document contains 2 operations: name the one to run in operationName'],
    ['fragment F on Query { n }', null, 'The document contains no operation'],
    ['query A { n }', 'x'.repeat(100), `The document has no operation named "${'x'.repeat(40)}…"`],
  ])('given %s and operationName %s, says why with code OPERATION_RESOLUTION_FAILURE and HTTP 400', (document, operationName, message) => {
    const refusal = operationResolutionError(parse(document), operationName);
    expect(refusal.message).toBe(message);
    expect(refusal.extensions).toEqual({ code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } });
  });
});
