import type { Knex } from 'knex';

/** What narrows a steward's reading of the trail; null leaves a criterion out. */
export interface RecordFilter {
  agencyCode: string | null;
  /** Records whose response held this citizen's personal data. */
  nationalId: string | null;
  /** Records whose operation touched this field ("Type.field"). */
  field: string | null;
  purpose: string | null;
  /** From this instant, inclusive (ISO). */
  from: string | null;
  /** Up to this instant, exclusive (ISO). */
  to: string | null;
  outcomes: readonly string[] | null;
  instance: string | null;
}

/** Given the database and a query on audit_records aliased r, narrows it by the filter: every reader's one WHERE. */
export function narrowRecords<T extends object>(db: Knex, query: Knex.QueryBuilder<T>, filter: RecordFilter): Knex.QueryBuilder<T> {
  if (filter.agencyCode !== null) query.where('r.agency_code', filter.agencyCode);
  if (filter.purpose !== null) query.where('r.purpose', filter.purpose);
  if (filter.from !== null) query.where('r.recorded_at', '>=', filter.from);
  if (filter.to !== null) query.where('r.recorded_at', '<', filter.to);
  if (filter.outcomes !== null) query.whereIn('r.outcome', filter.outcomes);
  if (filter.instance !== null) query.where('r.instance', filter.instance);
  if (filter.nationalId !== null) {
    const nationalId = filter.nationalId;
    query.whereExists((sub) =>
      sub.select(db.raw('1')).from('audit_citizens as c').whereRaw('c.instance = r.instance and c.seq = r.seq').where('c.national_id', nationalId),
    );
  }
  if (filter.field !== null) {
    const field = filter.field;
    query.whereExists((sub) => sub.select(db.raw('1')).from('audit_field_sets as fc').whereRaw('fc.set_hash = r.field_set').where('fc.coordinate', field));
  }
  return query;
}
