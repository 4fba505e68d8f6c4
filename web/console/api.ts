/** The console's session as the server tells the page: the account, its CSRF token and what its roles admit. */
export interface ConsoleSession {
  account: { id: number; email: string; name: string; unit: string; roles: string[]; agencyCode: string | null };
  csrfToken: string;
  expiresAt: string;
  permittedFields: string[];
}

/** A refusal from the server, with its stable code. */
export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type ErrorBody = { errors?: Array<{ message: string; extensions?: { code?: string } }> };

function refusal(body: ErrorBody, status: number): ConsoleError {
  const first = body.errors?.[0];
  return new ConsoleError(String(first?.extensions?.code ?? status), first?.message ?? `HTTP ${status}`);
}

/** How a steward may sign in, as the server tells a signed-out page. */
export interface SignInMethods {
  password: boolean;
  identityProvider: boolean;
}

/** Where the province's identity provider sign-in starts: a navigation, not a fetch, since the browser leaves. */
export const IDENTITY_PROVIDER_SIGN_IN = '/console/sign-in/oidc';

/**
 * Returns the session this browser holds, or null when it is signed out; onSignedOut hears how a steward may
 * sign in then.
 */
export async function currentSession(onSignedOut?: (methods: SignInMethods) => void): Promise<ConsoleSession | null> {
  const response = await fetch('/console/api/session', { credentials: 'same-origin' });
  if (response.status === 401) {
    const { signIn } = (await response.json().catch(() => ({}))) as { signIn?: SignInMethods };
    onSignedOut?.(signIn ?? { password: true, identityProvider: false });
    return null;
  }
  const body = (await response.json()) as ConsoleSession & ErrorBody;
  if (!response.ok) throw refusal(body, response.status);
  return body;
}

/** Given an e-mail, a password and a TOTP code, signs in; the cookie is set by the server and unreadable here. */
export async function signIn(email: string, password: string, code: string): Promise<ConsoleSession> {
  const response = await fetch('/console/api/sign-in', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, code }),
  });
  const body = (await response.json()) as ConsoleSession & ErrorBody;
  if (!response.ok) throw refusal(body, response.status);
  return body;
}

export async function signOut(session: ConsoleSession): Promise<void> {
  await fetch('/console/api/sign-out', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrfToken } });
}

/**
 * Given the session, an operation of the admin API, its variables and, for a change, its reason, sends it with
 * the session's CSRF token and returns its data; a GraphQL error becomes a ConsoleError.
 */
export async function admin<T>(session: ConsoleSession, query: string, variables: Record<string, unknown> = {}, reason?: string): Promise<T> {
  const response = await fetch('/admin', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': session.csrfToken,
      ...(reason ? { 'x-change-reason': encodeURIComponent(reason) } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T } & ErrorBody;
  if (body.errors?.length) throw refusal(body, response.status);
  return body.data as T;
}
