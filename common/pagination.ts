import { badUserInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The arguments every connection field takes. */
export interface PageArguments {
  first?: number | null;
  after?: string | null;
}

/** A position in a keyset-ordered list: the sort key of the last row seen. */
export type CursorKey = Array<string | number>;

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Array<Edge<T>>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A page request after validation: how many rows, and the key to start after. */
export interface PageRequest {
  size: number;
  after: CursorKey | null;
}

/** Given `first`, returns the page size, or throws BAD_USER_INPUT when it is out of bounds. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return first;
}

/** Given the list a cursor belongs to and the key of a row, returns an opaque cursor. */
export function encodeCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/**
 * Given the list being read, the shape of its key and a cursor from a client, returns the key,
 * or throws BAD_USER_INPUT for a cursor that is malformed or was issued by another list.
 */
export function decodeCursor(list: string, keyTypes: ReadonlyArray<'string' | 'number'>, cursor: string): CursorKey {
  const invalid = () => badUserInput('Malformed cursor: pass an endCursor returned by this same list', 'after');
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== keyTypes.length + 1 || decoded[0] !== list) throw invalid();
  const key = decoded.slice(1) as unknown[];
  if (!key.every((value, index) => typeof value === keyTypes[index])) throw invalid();
  return key as CursorKey;
}

/** Given connection arguments, returns the validated page request. */
export function pageRequest(list: string, keyTypes: ReadonlyArray<'string' | 'number'>, args: PageArguments): PageRequest {
  const size = pageSize(args.first);
  const after = args.after === null || args.after === undefined ? null : decodeCursor(list, keyTypes, args.after);
  return { size, after };
}

/**
 * Given up to size + 1 rows read in key order, returns the connection for the first `size` of them;
 * the extra row, when present, only tells that there is a next page.
 */
export function toConnection<T>(list: string, rows: T[], size: number, keyOf: (row: T) => CursorKey): Connection<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(list, keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.length > 0 ? edges[edges.length - 1]!.cursor : null },
  };
}
