/**
 * The four duties of the platform's stewards, kept apart after X-Road's security server: a policy steward manages
 * agencies and grants, a key officer the credentials, an auditor reads the audit trail (and nothing else), an
 * administrator the accounts.
 */
export const STEWARD_ROLES = ['POLICY_STEWARD', 'KEY_OFFICER', 'AUDITOR', 'ADMINISTRATOR'] as const;
export type StewardRole = (typeof STEWARD_ROLES)[number];

/** A steward account as the console and the history see it: a person, never its secrets. */
export interface StewardAccount {
  id: number;
  email: string;
  name: string;
  unit: string;
  roles: StewardRole[];
  /**
   * The agency the person works for, whose sharing-request queue (requests for data it owns) they see and answer;
   * null: the province's central data office, which sees and answers every owner's queue.
   */
  agencyCode: string | null;
  /** Whether a password and TOTP second factor are set (local sign-in). */
  localSignIn: boolean;
  oidcSubject: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An account row with its secrets, read only by the sign-in code. */
export interface StewardAccountRecord extends StewardAccount {
  passwordHash: string | null;
  totpSecret: string | null;
}

/** A console session: the cookie's secret is never stored, only its SHA-256 (the id). */
export interface StewardSessionRecord {
  id: string;
  accountId: number;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}
