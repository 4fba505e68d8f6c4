import type { Knex } from 'knex';
import type { StewardAccountRow, StewardSessionRow } from '../../db/gatewayRows';
import type { StewardAccountRecord, StewardRole, StewardSessionRecord } from './accountTypes';
import { PolicyRepository } from './policyRepository';

const toAccount = (row: StewardAccountRow): StewardAccountRecord => ({
  id: Number(row.id),
  email: row.email,
  name: row.name,
  unit: row.unit,
  roles: JSON.parse(row.roles) as StewardRole[],
  agencyCode: row.agency_code ?? null,
  localSignIn: row.password_hash !== null && row.totp_secret !== null,
  oidcSubject: row.oidc_subject,
  disabledAt: row.disabled_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  passwordHash: row.password_hash,
  totpSecret: row.totp_secret,
});

const toSession = (row: StewardSessionRow): StewardSessionRecord => ({
  id: row.id,
  accountId: Number(row.account_id),
  csrfToken: row.csrf_token,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

/** What a new account stores. */
export type NewAccount = Omit<StewardAccountRecord, 'id' | 'localSignIn'>;

/** Given an account, returns the columns a change may set: all but its id, e-mail and creation time. */
function changeableColumns(account: NewAccount | StewardAccountRecord): Partial<StewardAccountRow> {
  return {
    name: account.name,
    unit: account.unit,
    roles: JSON.stringify(account.roles),
    agency_code: account.agencyCode,
    password_hash: account.passwordHash,
    totp_secret: account.totpSecret,
    oidc_subject: account.oidcSubject,
    disabled_at: account.disabledAt,
    updated_at: account.updatedAt,
  };
}

/** The steward accounts' and sessions' queries: the only module of the accounts that holds SQL. */
export class AccountRepository {
  constructor(private readonly db: Knex) {}

  /** Given work on the accounts and the policy history, runs it in one transaction. */
  transaction<T>(work: (accounts: AccountRepository, policy: PolicyRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((transaction) => work(new AccountRepository(transaction), new PolicyRepository(transaction)));
  }

  async accounts(): Promise<StewardAccountRecord[]> {
    return (await this.db<StewardAccountRow>('steward_accounts').orderBy('id')).map(toAccount);
  }

  async accountById(id: number): Promise<StewardAccountRecord | null> {
    const row = await this.db<StewardAccountRow>('steward_accounts').where('id', id).first();
    return row ? toAccount(row) : null;
  }

  /** E-mail addresses are kept lower-case, so that equality is the same on both engines. */
  async accountByEmail(email: string): Promise<StewardAccountRecord | null> {
    const row = await this.db<StewardAccountRow>('steward_accounts').where('email', email.toLowerCase()).first();
    return row ? toAccount(row) : null;
  }

  async accountBySubject(subject: string): Promise<StewardAccountRecord | null> {
    const row = await this.db<StewardAccountRow>('steward_accounts').where('oidc_subject', subject).first();
    return row ? toAccount(row) : null;
  }

  async insertAccount(account: NewAccount): Promise<number> {
    const [id] = await this.db<StewardAccountRow>('steward_accounts').insert({
      email: account.email.toLowerCase(),
      ...changeableColumns(account),
      created_at: account.createdAt,
    });
    return Number(id);
  }

  async updateAccount(account: StewardAccountRecord): Promise<void> {
    await this.db<StewardAccountRow>('steward_accounts').where('id', account.id).update(changeableColumns(account));
  }

  /**
   * Given an account and the TOTP step of a code just checked, records the step unless it is not later than the
   * last one accepted; tells whether it was recorded. One conditional update, so two sign-ins racing with the same
   * code cannot both pass.
   */
  async acceptTotpStep(accountId: number, step: number): Promise<boolean> {
    const updated = await this.db<StewardAccountRow>('steward_accounts')
      .where('id', accountId)
      .andWhere((query) => query.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
      .update({ totp_last_step: step });
    return Number(updated) === 1;
  }

  async insertSession(session: StewardSessionRecord): Promise<void> {
    await this.db<StewardSessionRow>('steward_sessions').insert({
      id: session.id,
      account_id: session.accountId,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      revoked_at: session.revokedAt,
    });
  }

  async sessionById(id: string): Promise<StewardSessionRecord | null> {
    const row = await this.db<StewardSessionRow>('steward_sessions').where('id', id).first();
    return row ? toSession(row) : null;
  }

  /** Sessions of an account still in force at `now`, newest first. */
  async liveSessions(accountId: number, now: string): Promise<StewardSessionRecord[]> {
    const rows = await this.db<StewardSessionRow>('steward_sessions')
      .where('account_id', accountId)
      .whereNull('revoked_at')
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc');
    return rows.map(toSession);
  }

  async revokeSession(id: string, now: string): Promise<void> {
    await this.db<StewardSessionRow>('steward_sessions').where('id', id).whereNull('revoked_at').update({ revoked_at: now });
  }

  /** Revokes every live session of an account: its roles changed, or it was disabled. */
  async revokeSessionsOf(accountId: number, now: string): Promise<void> {
    await this.db<StewardSessionRow>('steward_sessions').where('account_id', accountId).whereNull('revoked_at').update({ revoked_at: now });
  }
}
