import type { Knex } from 'knex';
import type { CursorKey } from '../common/pagination';

/**
 * Given a query, the columns of its sort key and the key of the last row seen, restricts the query to
 * the rows after that key and orders it by the key: (a > x) OR (a = x AND b > y) ...
 */
export function afterKey<T extends {}>(query: Knex.QueryBuilder<T>, columns: string[], after: CursorKey | null): Knex.QueryBuilder<T> {
  if (after !== null) {
    query.where((outer) => {
      columns.forEach((column, index) => {
        outer.orWhere((inner) => {
          for (let equal = 0; equal < index; equal += 1) inner.where(columns[equal]!, after[equal]!);
          inner.where(column, '>', after[index]!);
        });
      });
    });
  }
  for (const column of columns) query.orderBy(column, 'asc');
  return query;
}
