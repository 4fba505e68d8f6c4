import type { JwtConfig } from '../../common/config';
import { isNationalId } from '../../common/nationalId';
import { AuthenticationError } from '../store/errors';
import { createIdentityTokenVerifier } from '../store/jwt';

/** Checks citizens' tokens from the province's identity provider. */
export interface CitizenTokenVerifier {
  /** Given a compact JWT, returns the citizen it was issued to, or throws an AuthenticationError saying why not. */
  verify(token: string): Promise<{ nationalId: string }>;
}

/**
 * Given the JWT configuration, returns a verifier of citizens' tokens: the identity provider's tokens (issuer,
 * audience, expiry, signature) whose subject is a 12-digit national ID and which name no agency.
 */
export function createCitizenTokenVerifier(config: JwtConfig): CitizenTokenVerifier {
  const identity = createIdentityTokenVerifier(config, 'citizen token');
  return {
    async verify(token) {
      const claims = await identity.verify(token);
      if (claims[config.agencyClaim] !== undefined)
        throw new AuthenticationError("An agency token does not open a citizen's data tracker: sign in as the citizen");
      const subject = claims.sub;
      if (typeof subject !== 'string' || !isNationalId(subject)) throw new AuthenticationError("The citizen token's subject is not a national ID (12 digits)");
      return { nationalId: subject };
    },
  };
}
