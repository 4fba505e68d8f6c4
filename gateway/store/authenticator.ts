import type { JwtConfig } from '../../common/config';
import { printable } from '../../common/nationalId';
import type { CallerPrincipal } from '../policy/types';
import { looksLikeApiKey, parseApiKey, secretMatches } from './apiKeys';
import { AuthenticationError } from './errors';
import type { AgencyTokenVerifier } from './jwt';
import { createJwtVerifier } from './jwt';
import type { StoreSnapshot } from './types';

/** Given a deactivated agency's code, returns the refusal of any credential of it (AGENCY_DEACTIVATED, HTTP 401). */
function deactivated(code: string): AuthenticationError {
  return new AuthenticationError(`The agency ${code} has been deactivated: none of its credentials is accepted`, 'AGENCY_DEACTIVATED');
}

/** The caller who sends no credential: reads open data only. */
export const ANONYMOUS: CallerPrincipal = Object.freeze({ kind: 'ANONYMOUS' });

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export interface AuthenticatorOptions {
  /** The identity provider whose tokens are accepted; null accepts API keys only. */
  jwt: JwtConfig | null;
  /** Replaces the verifier built from `jwt` (tests, or a provider reached another way). */
  tokenVerifier?: AgencyTokenVerifier;
  now?: () => Date;
}

/**
 * Turns an Authorization header into a Principal: no header is the anonymous caller; a bearer API key
 * (dsp_<id>_<secret>) is checked against the credentials of the snapshot, so that a revocation counts from
 * the next refresh; any other bearer token is an agency JWT of the identity provider.
 */
export class Authenticator {
  private readonly verifier: AgencyTokenVerifier | null;
  private readonly now: () => Date;

  constructor(options: AuthenticatorOptions) {
    this.verifier = options.tokenVerifier ?? (options.jwt ? createJwtVerifier(options.jwt) : null);
    this.now = options.now ?? (() => new Date());
  }

  /** Given the Authorization header (if any) and the current snapshot, returns who calls, or why they are refused. */
  async authenticate(authorizationHeader: string | undefined, snapshot: StoreSnapshot): Promise<CallerPrincipal | AuthenticationError> {
    if (authorizationHeader === undefined) return ANONYMOUS;
    const bearer = BEARER.exec(authorizationHeader);
    if (!bearer) return new AuthenticationError('The Authorization header must read "Bearer <API key or agency token>"');
    const token = bearer[1]!;
    if (looksLikeApiKey(token)) return this.apiKeyPrincipal(token, snapshot);
    if (COMPACT_JWT.test(token)) return this.tokenPrincipal(token, snapshot);
    return new AuthenticationError('The bearer credential is neither an API key (dsp_…) nor an agency token (JWT)');
  }

  private apiKeyPrincipal(token: string, snapshot: StoreSnapshot): CallerPrincipal | AuthenticationError {
    const parts = parseApiKey(token);
    if (!parts) return new AuthenticationError('The API key is malformed: expected dsp_<8-character id>_<43-character secret>');
    const credential = snapshot.credentials.get(parts.id);
    // A wrong secret reads like an unknown id, so the reply tells a guesser nothing about the key's state.
    if (!credential || !secretMatches(parts.secret, credential.secretHash)) return new AuthenticationError(`The API key ${parts.id} is not recognised`);
    const now = this.now().toISOString();
    if (credential.revokedAt !== null && credential.revokedAt <= now) return new AuthenticationError(`The API key ${parts.id} has been revoked`);
    if (credential.expiresAt <= now) return new AuthenticationError(`The API key ${parts.id} expired at ${credential.expiresAt}`);
    const agency = snapshot.agencies.get(credential.agencyCode);
    if (!agency) return new AuthenticationError(`The agency ${credential.agencyCode} of API key ${parts.id} is not registered`);
    if (agency.deactivatedAt) return deactivated(agency.code);
    return { kind: 'AGENCY', agency, credentialId: credential.id, userId: null };
  }

  private async tokenPrincipal(token: string, snapshot: StoreSnapshot): Promise<CallerPrincipal | AuthenticationError> {
    if (!this.verifier) return new AuthenticationError('Agency tokens are not accepted here: no identity provider is configured; use an API key');
    let verified;
    try {
      verified = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) return error;
      throw error;
    }
    const agency = snapshot.agencies.get(verified.agencyCode);
    if (!agency) return new AuthenticationError(`The agency ${printable(verified.agencyCode)} named by the token is not registered`);
    if (agency.deactivatedAt) return deactivated(agency.code);
    return { kind: 'AGENCY', agency, credentialId: verified.tokenId ? `jwt:${verified.tokenId}` : 'jwt', userId: verified.subject };
  }
}
