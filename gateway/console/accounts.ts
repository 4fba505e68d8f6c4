import { createHash, randomBytes } from 'node:crypto';
import { printable } from '../../common/nationalId';
import type { AccountRepository } from '../store/accountRepository';
import type { PolicyRepository } from '../store/policyRepository';
import { STEWARD_ROLES } from '../store/accountTypes';
import type { StewardAccount, StewardAccountRecord, StewardRole, StewardSessionRecord } from '../store/accountTypes';
import { AuthenticationError, badInput, conflict, forbidden, notFound } from '../store/errors';
import { actorColumns } from '../store/stewardship';
import type { Actor } from '../store/types';
import { MIN_PASSWORD_LENGTH, generatePassword, hashPassword, verifyPassword } from './passwords';
import { generateTotpSecret, totpUri, verifyTotp } from './totp';

/** How long a console session lasts unless configured: a working day. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Short enough that `person:<e-mail>` fits the history's actor column. */
const MAX_EMAIL_LENGTH = 72;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The one message of a failed sign-in: it does not tell which of e-mail, password or code was wrong. */
const SIGN_IN_REFUSED = 'The e-mail, password or one-time code is wrong, or the account is disabled';

export interface AccountInput {
  email: string;
  name: string;
  unit: string;
  roles: readonly string[];
  /** The agency whose sharing-request queue the steward answers; null or left out: the province's central data office (every queue). */
  agencyCode?: string | null;
  /** Local sign-in (password and TOTP) unless false: an account of the identity provider only. */
  localSignIn?: boolean | null;
  oidcSubject?: string | null;
}

export interface AccountPatch {
  name?: string | null;
  unit?: string | null;
  roles?: readonly string[] | null;
  oidcSubject?: string | null;
  /** Left out: unchanged; null or empty: the province's central data office; a code: that agency's queue only. */
  agencyCode?: string | null;
}

/** An account just made: its password and TOTP secret are shown this once. */
export interface CreatedAccount {
  account: StewardAccount;
  password: string | null;
  totpSecret: string | null;
  totpUri: string | null;
}

/** A session just opened: the cookie's secret is known to the browser only from now on. */
export interface OpenedSession {
  token: string;
  session: StewardSessionRecord;
  account: StewardAccount;
}

export interface AccountsOptions {
  repository: AccountRepository;
  sessionTtlMs?: number;
  now?: () => Date;
}

/** Given a session cookie's secret, returns the session's id: its SHA-256, hex. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Given an account with its secrets, returns it without them. */
export function publicAccount(record: StewardAccountRecord): StewardAccount {
  const { passwordHash: _passwordHash, totpSecret: _totpSecret, ...account } = record;
  return account;
}

function text(value: string | null | undefined, what: string, max: number): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw badInput(`${what} is required`);
  if (trimmed.length > max) throw badInput(`${what} has ${trimmed.length} characters; at most ${max} are allowed`);
  return trimmed;
}

/** Given roles as written, returns them checked, unique and in the canonical order; an account may have none. */
export function parseRoles(values: readonly string[]): StewardRole[] {
  const unknown = values.filter((value) => !(STEWARD_ROLES as readonly string[]).includes(value));
  if (unknown.length > 0) throw badInput(`Unknown role ${unknown.map((value) => `"${printable(value)}"`).join(', ')}: expected ${STEWARD_ROLES.join(', ')}`);
  return STEWARD_ROLES.filter((role) => values.includes(role));
}

function email(value: string | null | undefined): string {
  const address = text(value, 'The e-mail', MAX_EMAIL_LENGTH).toLowerCase();
  if (!EMAIL.test(address)) throw badInput(`"${printable(address)}" is not an e-mail address`);
  return address;
}

/**
 * Given an agency code as written (null or empty: none) and the policy store, returns the code of a known agency,
 * or null for the province's central data office; NOT_FOUND for a code no agency has.
 */
async function agencyOf(code: string | null | undefined, policy: PolicyRepository): Promise<string | null> {
  const trimmed = (code ?? '').trim();
  if (trimmed === '') return null;
  const agency = await policy.agencyByCode(trimmed, true);
  if (!agency)
    throw notFound(
      `Unknown agency "${printable(trimmed.slice(0, 40))}": link the account to a registered agency, or to none (the province's central data office)`,
    );
  return agency.code;
}

/**
 * The stewards' accounts (persons with roles) and their console sessions. Account changes are recorded in the
 * policy history beside the agencies', naming who made them; only an administrator, or the command line before
 * any administrator exists, may make them.
 */
export class Accounts {
  private readonly repository: AccountRepository;
  private readonly now: () => Date;
  private readonly sessionTtlMs: number;

  constructor(options: AccountsOptions) {
    this.repository = options.repository;
    this.now = options.now ?? (() => new Date());
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  }

  async list(): Promise<StewardAccount[]> {
    return (await this.repository.accounts()).map(publicAccount);
  }

  async byEmail(address: string): Promise<StewardAccount | null> {
    const record = await this.repository.accountByEmail(address);
    return record ? publicAccount(record) : null;
  }

  /** Tells whether an enabled administrator exists: until one does, the command line may create accounts without one. */
  async hasAdministrator(): Promise<boolean> {
    return (await this.repository.accounts()).some((account) => account.disabledAt === null && account.roles.includes('ADMINISTRATOR'));
  }

  /** Given a new account, stores it with a generated password and TOTP secret (shown once); CONFLICT when the e-mail is taken. */
  async create(actor: Actor, input: AccountInput, password: string = generatePassword()): Promise<CreatedAccount> {
    const address = email(input.email);
    const name = text(input.name, 'The name', 200);
    const unit = text(input.unit, 'The unit', 200);
    const roles = parseRoles(input.roles ?? []);
    const local = input.localSignIn ?? true;
    if (local && password.length < MIN_PASSWORD_LENGTH) throw badInput(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    const totpSecret = local ? generateTotpSecret() : null;
    const passwordHash = local ? await hashPassword(password) : null;
    const oidcSubject = input.oidcSubject ? text(input.oidcSubject, 'The identity provider subject', 200) : null;
    const now = this.now().toISOString();
    const account = await this.repository.transaction(async (accounts, policy) => {
      if (await accounts.accountByEmail(address)) throw conflict(`An account for ${address} exists already`);
      const agencyCode = await agencyOf(input.agencyCode, policy);
      const fields = { email: address, name, unit, roles, agencyCode, passwordHash, totpSecret, oidcSubject, disabledAt: null, createdAt: now, updatedAt: now };
      const id = await accounts.insertAccount(fields);
      const created = publicAccount({ id, ...fields, localSignIn: local });
      await policy.recordChange({
        ...actorColumns(actor),
        changedAt: now,
        action: 'CREATE_ACCOUNT',
        entityType: 'ACCOUNT',
        entityId: String(id),
        before: null,
        after: created,
      });
      return created;
    });
    return { account, password: local ? password : null, totpSecret, totpUri: totpSecret ? totpUri(totpSecret, address) : null };
  }

  /** Given an account id and what to change, updates it; a change of roles ends its sessions, which carried the old ones. */
  async update(actor: Actor, id: number, patch: AccountPatch): Promise<StewardAccount> {
    const roles = patch.roles === undefined || patch.roles === null ? undefined : parseRoles(patch.roles);
    const now = this.now().toISOString();
    return this.repository.transaction(async (accounts, policy) => {
      const before = await accounts.accountById(id);
      if (!before) throw notFound(`Unknown account ${id}`);
      const agencyCode = patch.agencyCode === undefined ? before.agencyCode : await agencyOf(patch.agencyCode, policy);
      const after: StewardAccountRecord = {
        ...before,
        agencyCode,
        ...(patch.name ? { name: text(patch.name, 'The name', 200) } : {}),
        ...(patch.unit ? { unit: text(patch.unit, 'The unit', 200) } : {}),
        ...(roles ? { roles } : {}),
        ...(patch.oidcSubject !== undefined ? { oidcSubject: patch.oidcSubject ? text(patch.oidcSubject, 'The identity provider subject', 200) : null } : {}),
        updatedAt: now,
      };
      if (actor.kind === 'PERSON' && actor.accountId === id && before.roles.includes('ADMINISTRATOR') && !after.roles.includes('ADMINISTRATOR')) {
        throw forbidden('An administrator cannot take the ADMINISTRATOR role from their own account: another administrator must');
      }
      await accounts.updateAccount(after);
      if (roles && roles.join() !== before.roles.join()) await accounts.revokeSessionsOf(id, now);
      await policy.recordChange({
        ...actorColumns(actor),
        changedAt: now,
        action: 'UPDATE_ACCOUNT',
        entityType: 'ACCOUNT',
        entityId: String(id),
        before: publicAccount(before),
        after: publicAccount(after),
      });
      return publicAccount(after);
    });
  }

  /** Given an account id, disables the account and ends its sessions; CONFLICT when disabled already. */
  async disable(actor: Actor, id: number): Promise<StewardAccount> {
    const now = this.now().toISOString();
    return this.repository.transaction(async (accounts, policy) => {
      const before = await accounts.accountById(id);
      if (!before) throw notFound(`Unknown account ${id}`);
      if (before.disabledAt !== null) throw conflict(`The account ${id} was disabled already, at ${before.disabledAt}`);
      if (actor.kind === 'PERSON' && actor.accountId === id) throw forbidden('An administrator cannot disable their own account: another administrator must');
      const after: StewardAccountRecord = { ...before, disabledAt: now, updatedAt: now };
      await accounts.updateAccount(after);
      await accounts.revokeSessionsOf(id, now);
      await policy.recordChange({
        ...actorColumns(actor),
        changedAt: now,
        action: 'DISABLE_ACCOUNT',
        entityType: 'ACCOUNT',
        entityId: String(id),
        before: publicAccount(before),
        after: publicAccount(after),
      });
      return publicAccount(after);
    });
  }

  /** Given an account and a moment, opens a session for it. */
  async openSession(account: StewardAccount): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: StewardSessionRecord = {
      id: sessionIdOf(token),
      accountId: account.id,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.sessionTtlMs).toISOString(),
      revokedAt: null,
    };
    await this.repository.insertSession(session);
    return { token, session, account };
  }

  /**
   * Given an e-mail, a password and a TOTP code, opens a session; UNAUTHENTICATED with one message whatever was
   * wrong. The password is checked even for an unknown e-mail, so that timing does not tell which accounts exist.
   */
  async signIn(input: { email: string; password: string; code: string }): Promise<OpenedSession> {
    const record = typeof input.email === 'string' ? await this.repository.accountByEmail(input.email.trim()) : null;
    const password = typeof input.password === 'string' ? input.password : '';
    const passwordMatches = await verifyPassword(password, record?.passwordHash ?? UNMATCHABLE_HASH);
    const step = record?.totpSecret ? verifyTotp(record.totpSecret, String(input.code ?? ''), this.now()) : null;
    if (!record || !passwordMatches || step === null || record.disabledAt !== null) throw new AuthenticationError(SIGN_IN_REFUSED);
    if (!(await this.repository.acceptTotpStep(record.id, step))) throw new AuthenticationError(SIGN_IN_REFUSED);
    return this.openSession(publicAccount(record));
  }

  /**
   * Given the e-mail and the subject the identity provider vouched for, opens a session for the enabled account with
   * that e-mail; UNAUTHENTICATED when there is none (an administrator creates accounts: the provider only says who
   * came), or when the account names another subject (an e-mail handed on at the provider takes no account along).
   */
  async signInVouched(email: string, subject: string | null): Promise<OpenedSession> {
    const record = await this.repository.accountByEmail(email.trim());
    if (!record || record.disabledAt !== null)
      throw new AuthenticationError('No enabled steward account has the e-mail the identity provider vouched for: an administrator creates the account first');
    if (record.oidcSubject !== null && record.oidcSubject !== subject)
      throw new AuthenticationError('The steward account with this e-mail names another subject at the identity provider than the one who signed in');
    return this.openSession(publicAccount(record));
  }

  /** Given a cookie's secret, returns the live session and its enabled account, or null (unknown, expired, revoked, disabled). */
  async session(token: string): Promise<{ session: StewardSessionRecord; account: StewardAccount } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const session = await this.repository.sessionById(sessionIdOf(token));
    const now = this.now().toISOString();
    if (!session || session.revokedAt !== null || session.expiresAt <= now) return null;
    const record = await this.repository.accountById(session.accountId);
    if (!record || record.disabledAt !== null) return null;
    return { session, account: publicAccount(record) };
  }

  /** Given a session id, ends the session (signing out). */
  async endSession(sessionId: string): Promise<void> {
    await this.repository.revokeSession(sessionId, this.now().toISOString());
  }

  /** Given an account id, ends every session of it (an administrator's revocation); returns how many were live. */
  async revokeSessions(actor: Actor, id: number): Promise<number> {
    const now = this.now().toISOString();
    return this.repository.transaction(async (accounts, policy) => {
      const account = await accounts.accountById(id);
      if (!account) throw notFound(`Unknown account ${id}`);
      const live = await accounts.liveSessions(id, now);
      await accounts.revokeSessionsOf(id, now);
      await policy.recordChange({
        ...actorColumns(actor),
        changedAt: now,
        action: 'REVOKE_SESSIONS',
        entityType: 'ACCOUNT',
        entityId: String(id),
        before: { liveSessions: live.length },
        after: { liveSessions: 0 },
      });
      return live.length;
    });
  }
}

/** A well-formed hash no password matches (its salt and key are random), checked in place of a missing account's. */
const UNMATCHABLE_HASH = `scrypt$32768$8$1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;
