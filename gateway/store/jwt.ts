import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../../common/config';
import { AuthenticationError } from './errors';

/**
 * The signature algorithms accepted from the identity provider: asymmetric only, so that neither an
 * unsigned token ("alg": "none") nor one signed with the public key as an HMAC secret gets through.
 */
export const JWT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** Tolerated clock difference with the identity provider, for exp and nbf. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** What a verified agency token says: the agency, the officer, and the token's own id when it has one. */
export interface AgencyToken {
  agencyCode: string;
  subject: string | null;
  tokenId: string | null;
}

/** Checks agency JWTs against the identity provider's keys. */
export interface AgencyTokenVerifier {
  /** Given a compact JWT, returns what it says, or throws an AuthenticationError saying why it is refused. */
  verify(token: string): Promise<AgencyToken>;
}

/** Given the JWKS file's path, returns its key set, or throws an Error naming the file (a start-up failure). */
function readKeySetFile(file: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`JWT_JWKS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new Error(`JWT_JWKS_FILE ${file} is not a JSON Web Key Set: it needs a "keys" array`);
  }
  return parsed as JSONWebKeySet;
}

/**
 * Given a failure of jose and what the token is called ("agency token", "citizen token"), returns the
 * refusal a caller reads: what is wrong with the token, nothing of it quoted.
 */
function refusalOf(error: unknown, config: JwtConfig, tokenName: string): AuthenticationError {
  const the = `The ${tokenName}`;
  if (error instanceof errors.JWTExpired) return new AuthenticationError(`${the} has expired`);
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new AuthenticationError(`${the} was not issued by the identity provider ${config.issuer}`);
      case 'aud':
        return new AuthenticationError(`${the} is not meant for this platform (audience ${config.audience})`);
      case 'nbf':
        return new AuthenticationError(`${the} is not valid yet`);
      case 'exp':
        return new AuthenticationError(`${the} has no expiry time (exp)`);
      default:
        return new AuthenticationError(`${the}'s "${error.claim}" claim is not accepted`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthenticationError(`${the} must be signed with ${JWT_ALGORITHMS.join(', ')}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationError(`${the} signature does not verify`);
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthenticationError(`No key of the identity provider matches the ${tokenName}`);
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AuthenticationError(`The identity provider keys cannot be fetched: the ${tokenName} cannot be checked`);
  }
  return new AuthenticationError(`${the} is malformed`);
}

/** Checks tokens of the identity provider, whoever they were issued to. */
export interface IdentityTokenVerifier {
  /** Given a compact JWT, returns its verified claims, or throws an AuthenticationError saying why it is refused. */
  verify(token: string): Promise<Record<string, unknown>>;
}

/**
 * Given the JWT configuration and what its tokens are called in refusals, returns a verifier of the identity
 * provider's tokens: issuer, audience, expiry and signature are checked, with keys from the provider's JWKS
 * (fetched and cached by jose) or from a local file.
 */
export function createIdentityTokenVerifier(config: JwtConfig, tokenName: string): IdentityTokenVerifier {
  let keys: JWTVerifyGetKey;
  if (config.jwksUrl !== null) keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000 });
  else if (config.jwksFile !== null) keys = createLocalJWKSet(readKeySetFile(config.jwksFile));
  else throw new Error('JWT verification needs JWT_JWKS_URL or JWT_JWKS_FILE');
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: JWT_ALGORITHMS,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        return payload as Record<string, unknown>;
      } catch (error) {
        throw refusalOf(error, config, tokenName);
      }
    },
  };
}

/** Given the JWT configuration, returns a verifier of agency tokens: the identity provider's, naming an agency. */
export function createJwtVerifier(config: JwtConfig): AgencyTokenVerifier {
  const identity = createIdentityTokenVerifier(config, 'agency token');
  return {
    async verify(token) {
      const payload = await identity.verify(token);
      const agencyCode = payload[config.agencyClaim];
      if (typeof agencyCode !== 'string' || agencyCode === '') {
        throw new AuthenticationError(`The agency token carries no agency code in its "${config.agencyClaim}" claim`);
      }
      return {
        agencyCode,
        subject: typeof payload.sub === 'string' ? payload.sub : null,
        tokenId: typeof payload.jti === 'string' ? payload.jti : null,
      };
    },
  };
}
