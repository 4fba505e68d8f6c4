import { Secret, TOTP } from 'otpauth';

/** The issuer an authenticator app shows beside the account. */
const ISSUER = 'LGSP Thanh Hóa';

function totpOf(secret: string, label = 'steward'): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** Returns a new TOTP secret, base32 (160 bits, as RFC 4226 recommends). */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Given a secret and an account's e-mail, returns the otpauth:// URI an authenticator app scans. */
export function totpUri(secret: string, email: string): string {
  return totpOf(secret, email).toString();
}

/** Given a secret and a moment, returns the 6-digit code of that moment (for the demo and tests). */
export function totpCode(secret: string, at: Date = new Date()): string {
  return totpOf(secret).generate({ timestamp: at.getTime() });
}

/**
 * Given a secret, a code and a moment, returns the 30 s step the code belongs to when it is valid then (one step of
 * drift allowed), or null: the caller refuses a step it accepted already.
 */
export function verifyTotp(secret: string, code: string, at: Date = new Date()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 30_000) + delta;
}
