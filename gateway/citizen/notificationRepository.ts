import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';

/** A notification of the outbox, as stored: one access (instance, seq) to one opted-in citizen. */
export interface CitizenNotificationRow {
  instance: string;
  seq: number;
  national_id: string;
  recorded_at: string;
  agency_code: string | null;
  acknowledged_at: string | null;
}

/** What a reader of the outbox may be given now: deferred agencies' accesses only once old enough. */
export interface PendingFilter {
  deferredAgencies: readonly string[];
  /** A deferred agency's access is due when it happened at or before this instant (ISO). */
  deferredUntil: string;
  limit: number;
}

/** The citizens' notification choices and the notification outbox: the only module of them that holds SQL. */
export class NotificationRepository {
  constructor(private readonly db: Knex) {}

  async preference(nationalId: string): Promise<boolean> {
    const row = (await this.db('citizen_notification_preferences').where('national_id', nationalId).first('notify')) as { notify: unknown } | undefined;
    return row !== undefined && Boolean(Number(row.notify));
  }

  async setPreference(nationalId: string, notify: boolean, at: string): Promise<void> {
    await this.db('citizen_notification_preferences')
      .insert({ national_id: nationalId, notify: notify ? 1 : 0, changed_at: at })
      .onConflict('national_id')
      .merge(['notify', 'changed_at']);
  }

  /** Given the filter, returns the notifications not acknowledged yet that are due, oldest first. */
  async pending(filter: PendingFilter): Promise<CitizenNotificationRow[]> {
    const query = this.db<CitizenNotificationRow>('citizen_notifications').whereNull('acknowledged_at');
    if (filter.deferredAgencies.length > 0) {
      query.where((due) =>
        due.whereNotIn('agency_code', filter.deferredAgencies).orWhereNull('agency_code').orWhere('recorded_at', '<=', filter.deferredUntil),
      );
    }
    const rows = await query.orderBy([{ column: 'recorded_at' }, { column: 'instance' }, { column: 'seq' }, { column: 'national_id' }]).limit(filter.limit);
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  /** Given notifications by key and the instant, marks those not acknowledged yet; returns how many it marked. */
  async acknowledge(keys: ReadonlyArray<{ instance: string; seq: number; nationalId: string }>, at: string): Promise<number> {
    if (keys.length === 0) return 0;
    const changed = await this.db('citizen_notifications')
      .whereNull('acknowledged_at')
      .where((any) => {
        for (const key of keys) any.orWhere({ instance: key.instance, seq: key.seq, national_id: key.nationalId });
      })
      .update({ acknowledged_at: at });
    return Number(changed);
  }
}

/*
 * The outbox rows of the records of one instance between two seqs: one per citizen their response held who has
 * chosen to be told, refusals and the citizen's own reads (their copy) left out. Run with the index rows, after
 * the citizens' rows, in the same transaction; a row already there is kept (the primary key), so a record indexed
 * again notifies no one twice. Bound values: instance, first seq, last seq.
 */
const OUTBOX_SELECT =
  '(instance, seq, national_id, recorded_at, agency_code) select c.instance, c.seq, c.national_id, c.recorded_at, r.agency_code ' +
  'from audit_citizens c join audit_records r on r.instance = c.instance and r.seq = c.seq ' +
  'join citizen_notification_preferences p on p.national_id = c.national_id ' +
  "where c.instance = ? and c.seq between ? and ? and p.notify = ? and r.outcome <> 'DENIED' and r.caller_national_id is null";

/** Given the gateway database, returns the statement that writes the outbox rows of a range of records (OUTBOX_SELECT). */
export function notificationOutboxStatement(db: Knex): string {
  return `${isMysql(db) ? 'insert ignore into' : 'insert or ignore into'} citizen_notifications ${OUTBOX_SELECT}`;
}
