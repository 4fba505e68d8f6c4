import { randomBytes } from 'node:crypto';
import { sessionIdOf } from '../console/accounts';
import type { CitizenRepository } from './citizenRepository';
import type { CitizenSessionRecord } from './citizenTypes';

/** A session just opened: the cookie's secret is known to the browser only from now on. */
export interface OpenedCitizenSession {
  token: string;
  session: CitizenSessionRecord;
}

/**
 * The citizens' sessions, opened once the identity provider has said who the citizen is. A session names its
 * citizen alone: every read of the page takes the national ID from it, never from the request.
 */
export class CitizenSessions {
  constructor(
    private readonly repository: CitizenRepository,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Given a national ID the identity provider vouched for, opens a session. */
  async open(nationalId: string): Promise<OpenedCitizenSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: CitizenSessionRecord = {
      id: sessionIdOf(token),
      nationalId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
      revokedAt: null,
    };
    await this.repository.insertSession(session);
    return { token, session };
  }

  /** Given a cookie's secret, returns its live session, or null (malformed, unknown, expired, ended). */
  async find(token: string | null): Promise<CitizenSessionRecord | null> {
    if (token === null || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const session = await this.repository.sessionById(sessionIdOf(token));
    if (!session || session.revokedAt !== null || session.expiresAt <= this.now().toISOString()) return null;
    return session;
  }

  /** Given a session id, ends it (signing out). */
  async end(sessionId: string): Promise<void> {
    await this.repository.revokeSession(sessionId, this.now().toISOString());
  }
}
