import type { Knex } from 'knex';
import type { CursorKey } from '../common/pagination';

/**
 * Given a query, the columns of its sort key, the key of the last row seen and the direction of the pages,
 * restricts the query to the rows beyond that key and orders it by the key in that direction:
 * (a > x) OR (a = x AND b > y) ... ascending, the same with < descending.
 */
function beyondKey<T extends object>(query: Knex.QueryBuilder<T>, columns: string[], last: CursorKey | null, direction: 'asc' | 'desc'): Knex.QueryBuilder<T> {
  const beyond = direction === 'asc' ? '>' : '<';
  if (last !== null) {
    query.where((outer) => {
      columns.forEach((column, index) => {
        outer.orWhere((inner) => {
          for (let equal = 0; equal < index; equal += 1) inner.where(columns[equal]!, last[equal]!);
          inner.where(column, beyond, last[index]!);
        });
      });
    });
  }
  for (const column of columns) query.orderBy(column, direction);
  return query;
}

/** Given a query, the columns of its sort key and the key of the last row seen, returns the rows after it, ascending. */
export function afterKey<T extends object>(query: Knex.QueryBuilder<T>, columns: string[], after: CursorKey | null): Knex.QueryBuilder<T> {
  return beyondKey(query, columns, after, 'asc');
}

/** Given a query, the columns of its sort key and the key of the last row seen, returns the rows before it, descending. */
export function beforeKey<T extends object>(query: Knex.QueryBuilder<T>, columns: string[], before: CursorKey | null): Knex.QueryBuilder<T> {
  return beyondKey(query, columns, before, 'desc');
}
