import { badInput } from '../store/errors';
import type { NotificationRepository } from './notificationRepository';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY = /^([A-Za-z0-9._-]{1,64}):([1-9][0-9]{0,15}):(\d{12})$/;
const MAX_BATCH = 500;

/** A notification as a notification service reads it: tell this citizen of this access. */
export interface CitizenNotification {
  /** instance:seq:nationalId, stable: the service may deliver it more than once (at least once), never as two. */
  id: string;
  nationalId: string;
  /** The access, as the citizen's page quotes it (instance:seq). */
  reference: string;
  /** ISO 8601: when the access happened. */
  at: string;
  agencyCode: string | null;
}

export interface CitizenNotificationsOptions {
  repository: NotificationRepository;
  /** Agencies whose accesses are told only deferralDays after they happened, as the citizen's page shows them. */
  deferredAgencies: readonly string[];
  deferralDays: number;
  now?: () => Date;
}

/**
 * Citizens' choice to be told of new accesses, and the outbox a notification service reads: the gateway writes
 * a notification when an access to an opted-in citizen is indexed; the service reads the due ones and
 * acknowledges what it delivered (at least once: one it did not acknowledge is read again).
 */
export class CitizenNotifications {
  private readonly now: () => Date;

  constructor(private readonly options: CitizenNotificationsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  preference(nationalId: string): Promise<boolean> {
    return this.options.repository.preference(nationalId);
  }

  /** Given a citizen and their choice, stores it; returns it. */
  async choose(nationalId: string, notify: boolean): Promise<boolean> {
    await this.options.repository.setPreference(nationalId, notify, this.now().toISOString());
    return notify;
  }

  /** Given how many at most (1 to 500), returns the notifications due and not acknowledged, oldest first. */
  async pending(first = 100): Promise<CitizenNotification[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_BATCH) throw badInput(`"first" must be 1 to ${MAX_BATCH}, got ${first}`);
    const deferredUntil = new Date(this.now().getTime() - this.options.deferralDays * DAY_MS).toISOString();
    const rows = await this.options.repository.pending({ deferredAgencies: this.options.deferredAgencies, deferredUntil, limit: first });
    return rows.map((row) => ({
      id: `${row.instance}:${row.seq}:${row.national_id}`,
      nationalId: row.national_id,
      reference: `${row.instance}:${row.seq}`,
      at: row.recorded_at,
      agencyCode: row.agency_code,
    }));
  }

  /** Given the ids of delivered notifications, acknowledges them; returns how many were pending. Throws BAD_USER_INPUT for a malformed id. */
  async acknowledge(ids: readonly string[]): Promise<number> {
    if (ids.length > MAX_BATCH) throw badInput(`At most ${MAX_BATCH} notifications are acknowledged at once, got ${ids.length}`);
    const keys = ids.map((id) => {
      const match = KEY.exec(id);
      if (!match) throw badInput(`"${id.slice(0, 100)}" is not a notification id (instance:seq:nationalId)`);
      return { instance: match[1]!, seq: Number(match[2]), nationalId: match[3]! };
    });
    return this.options.repository.acknowledge(keys, this.now().toISOString());
  }
}
