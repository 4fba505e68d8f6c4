import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, pageRequest, pageSize, toConnection } from '../../common/pagination';

function codeOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : 'not a GraphQL error';
  }
  return 'no error';
}

describe('pagination', () => {
  it('defaults the page size to 20 and bounds it to 1..100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(codeOf(() => pageSize(101))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => pageSize(0))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => pageSize(-5))).toBe('BAD_USER_INPUT');
  });

  it('decodes the cursors it encodes, for the same list only', () => {
    const cursor = encodeCursor('parcels', [42]);
    expect(decodeCursor('parcels', ['number'], cursor)).toEqual([42]);
    expect(codeOf(() => decodeCursor('schools', ['number'], cursor))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor('parcels', ['string'], cursor))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor('parcels', ['number', 'number'], cursor))).toBe('BAD_USER_INPUT');
  });

  it.each(['', 'not base64!', 'bm90IGpzb24', Buffer.from('{"a":1}').toString('base64url'), 'A'.repeat(600)])('rejects the malformed cursor %j', (cursor) => {
    expect(codeOf(() => pageRequest('parcels', ['number'], { after: cursor }))).toBe('BAD_USER_INPUT');
  });

  it('builds a connection from size + 1 rows', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const full = toConnection('list', rows, 2, (row) => [row.id]);
    expect(full.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(full.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor('list', ['number'], full.pageInfo.endCursor!)).toEqual([2]);
    const last = toConnection('list', rows.slice(0, 2), 2, (row) => [row.id]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(toConnection('list', [], 2, (row: { id: number }) => [row.id]).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
