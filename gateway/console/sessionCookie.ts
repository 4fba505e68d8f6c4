import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { badInput } from '../store/errors';

/** The console session's cookie. */
export const SESSION_COOKIE = 'dsp_session';
/** The header every request of a console session carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** The header a change's reason travels in, percent-encoded UTF-8 (headers carry Latin-1 only). */
export const REASON_HEADER = 'x-change-reason';

/** Given a Cookie header (and a cookie's name, the console session's by default), returns the cookie's value, or null. */
export function readSessionCookie(header: string | undefined, name: string = SESSION_COOKIE): string | null {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

/** Tells whether the request came over TLS, to the gateway itself or to a proxy in front of it that says so. */
export function overTls(request: IncomingMessage): boolean {
  return (
    Boolean((request.socket as TLSSocket).encrypted) ||
    String(request.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
  );
}

/**
 * Given the session's secret, its lifetime in seconds and whether TLS is used (and a cookie's name, the console
 * session's by default), returns the Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), Secure under TLS, for the whole origin because /admin and /console both read it.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean, name: string = SESSION_COOKIE): string {
  return [`${name}=${token}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join(
    '; ',
  );
}

/** Returns the Set-Cookie value that removes the session cookie (or the cookie named). */
export function clearedSessionCookie(secure: boolean, name: string = SESSION_COOKIE): string {
  return sessionCookie('', 0, secure, name);
}

/** Given the request's CSRF header and the session's token, tells whether they are equal, in constant time. */
export function csrfMatches(header: string | string[] | undefined, expected: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Given the reason header, returns the reason decoded and trimmed (at most 500 characters), null when absent; BAD_USER_INPUT when not percent-encoded UTF-8. */
export function readReason(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  try {
    const reason = decodeURIComponent(header).trim();
    return reason === '' ? null : reason.slice(0, 500);
  } catch {
    throw badInput(`The ${REASON_HEADER} header is not percent-encoded UTF-8 (encodeURIComponent)`);
  }
}
