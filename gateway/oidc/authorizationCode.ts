import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type * as OpenIdClientModule from 'openid-client';
import type { Configuration as ClientConfiguration } from 'openid-client';
import { AuthenticationError } from '../store/errors';
import { importEsm } from './esmImport';

type OpenIdClient = typeof OpenIdClientModule;

/** A sign-in left at the identity provider longer than this is started again. */
export const PENDING_SECONDS = 600;

/** What the browser carries from the redirect to the callback: the PKCE verifier, the state and the nonce. */
interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

/** A relying party of an OpenID Connect provider: its discovered configuration and where the provider sends back. */
export interface RelyingParty {
  configuration: ClientConfiguration;
  redirectUrl: string;
}

let library: Promise<OpenIdClient> | null = null;

/** Returns openid-client, imported natively once (it is an ES module only). */
export function openIdClient(): Promise<OpenIdClient> {
  library ??= importEsm<OpenIdClient>('openid-client');
  return library;
}

/**
 * Given an issuer, a client and its redirect URL, returns the relying party from the issuer's discovery document;
 * plain http is allowed only for an http issuer (configuration requires https in production).
 */
export async function discoverRelyingParty(issuer: string, clientId: string, clientSecret: string | null, redirectUrl: string): Promise<RelyingParty> {
  const oidc = await openIdClient();
  try {
    const configuration = await oidc.discovery(new URL(issuer), clientId, clientSecret ?? undefined, undefined, {
      ...(issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    return { configuration, redirectUrl };
  } catch (error) {
    // The provider's address and its answer are the operators' to read in the log, not the browser's.
    throw new GraphQLError("The province's identity provider cannot be reached: try again later", {
      originalError: error as Error,
      extensions: { code: ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE },
    });
  }
}

function encodePending(pending: Pending): string {
  return Buffer.from(JSON.stringify(pending)).toString('base64url');
}

function decodePending(value: string | null): Pending | null {
  if (value === null || !/^[A-Za-z0-9_-]{1,1000}$/.test(value)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Pending>;
    return typeof parsed.verifier === 'string' && typeof parsed.state === 'string' && typeof parsed.nonce === 'string' ? (parsed as Pending) : null;
  } catch {
    return null;
  }
}

/**
 * Given a relying party and the scope to ask for, returns the provider's authorization URL (code flow, PKCE S256,
 * fresh state and nonce) and the pending cookie's value that the callback needs.
 */
export async function beginAuthorization(party: RelyingParty, scope: string): Promise<{ location: string; pending: string; maxAgeSeconds: number }> {
  const oidc = await openIdClient();
  const pending: Pending = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
  const location = oidc.buildAuthorizationUrl(party.configuration, {
    redirect_uri: party.redirectUrl,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { location: location.href, pending: encodePending(pending), maxAgeSeconds: PENDING_SECONDS };
}

/**
 * Given a relying party, the callback's URL and the pending cookie's value, exchanges the code and returns the
 * verified ID token's claims; UNAUTHENTICATED when no sign-in is under way, or the state, the code, the PKCE
 * verifier or the nonce does not match.
 */
export async function completeAuthorization(party: RelyingParty, url: URL, pendingValue: string | null): Promise<Record<string, unknown>> {
  const pending = decodePending(pendingValue);
  if (!pending) throw new AuthenticationError('No sign-in is under way in this browser, or it took over 10 minutes: start again');
  const oidc = await openIdClient();
  const current = new URL(party.redirectUrl);
  current.search = url.search;
  let claims;
  try {
    const tokens = await oidc.authorizationCodeGrant(party.configuration, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    throw new AuthenticationError(`The identity provider did not confirm the sign-in (${(error as { code?: string }).code ?? 'refused'})`);
  }
  if (!claims) throw new AuthenticationError('The identity provider sent no identity token');
  return claims as Record<string, unknown>;
}

/**
 * Given the pending cookie's name, the callback's path, its value, lifetime and whether TLS is used, returns its
 * Set-Cookie value: HttpOnly, and Lax rather than Strict, since the provider sends the browser back from another
 * site and this cookie must come along; sent to the callback only.
 */
export function pendingCookie(name: string, path: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}
