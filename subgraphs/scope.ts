import type { Knex } from 'knex';

/**
 * The commune codes a request's rows must belong to, as the gateway signed them; null for no restriction.
 * A row outside the scope is filtered out in SQL, so it answers exactly as a row that does not exist:
 * the same null, the same empty list, the same pages.
 */
export type RowScope = readonly string[] | null;

/** Given a query, a column holding a commune code and the scope, keeps the rows whose commune is in scope. */
export function withinScope<Q extends Knex.QueryBuilder>(query: Q, column: string, scope: RowScope): Q {
  if (scope !== null) query.whereIn(column, [...scope]);
  return query;
}

/**
 * Given a query, a column referring to rows of another table, the scope, and how to select the keys of
 * that table with the column holding their commune, keeps the rows whose referenced row is in scope:
 * one subquery, so a scoped read costs the same number of statements as an unscoped one.
 */
export function referencingScope<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  scope: RowScope,
  referenced: () => Knex.QueryBuilder,
  communeColumn: string,
): Q {
  if (scope !== null) query.whereIn(column, withinScope(referenced(), communeColumn, scope));
  return query;
}

/**
 * The national ID whose rows alone a request may read, as the gateway signed it (a citizen reading their own
 * data); null when rows are not restricted to one citizen. Like the row scope, it is applied in SQL: another
 * citizen's row answers exactly as a row that does not exist.
 */
export type SubjectScope = string | null;

/** Given a query, a column holding a national ID and the subject, keeps the subject's rows only. */
export function ofSubject<Q extends Knex.QueryBuilder>(query: Q, column: string, subject: SubjectScope): Q {
  if (subject !== null) query.where(column, subject);
  return query;
}
