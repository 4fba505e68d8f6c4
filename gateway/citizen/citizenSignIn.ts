import type { IncomingMessage } from 'node:http';
import type { CitizenSignInConfig } from '../../common/config';
import { isNationalId } from '../../common/nationalId';
import type { DemoCitizen } from '../../db/demoCitizens';
import type { RelyingParty } from '../oidc/authorizationCode';
import { beginAuthorization, completeAuthorization, discoverRelyingParty } from '../oidc/authorizationCode';
import { AuthenticationError } from '../store/errors';
import type { DevIdentityProvider } from './devIdentityProvider';
import { createDevIdentityProvider } from './devIdentityProvider';

/** The cookie that carries a sign-in under way (PKCE verifier, state, nonce) from the redirect to the callback. */
export const PENDING_COOKIE = 'dsp_citizen_sign_in';
/** Where the identity provider sends the citizen back. */
export const CALLBACK_PATH = '/citizen/callback';

export interface CitizenSignInOptions {
  config: CitizenSignInConfig;
  /** The seeded citizens the development provider offers; none without a population database. */
  demoCitizens: () => Promise<DemoCitizen[]>;
}

/** What the routes need of a sign-in: where to send the browser, and who came back. */
export interface CitizenSignIn {
  /** Given the request, returns the identity provider's URL to redirect to and the pending cookie's value. */
  start(request: IncomingMessage): Promise<{ location: string; pending: string; maxAgeSeconds: number }>;
  /** Given the callback's request and the pending cookie, returns the national ID the provider vouched for. */
  finish(request: IncomingMessage, url: URL, pending: string | null): Promise<string>;
  /**
   * Given a sign-in's request, returns where it must start instead, or null: the development provider lives at the
   * address the gateway listens on, and a browser that came by another name (localhost) would lose its cookies.
   */
  elsewhere(request: IncomingMessage): string | null;
  /** The development provider, once made (outside production only). */
  devProvider(request: IncomingMessage): Promise<DevIdentityProvider | null>;
}

/**
 * Given a request to the gateway, returns the address and port it arrived at, as an origin: the development
 * provider's issuer. The Host header is not trusted with it, since the gateway fetches its provider's metadata there.
 */
function localOrigin(request: IncomingMessage): string {
  const address = (request.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort}`;
}

/**
 * Given how citizens sign in, returns the sign-in over OpenID Connect with openid-client: authorization code,
 * PKCE (S256), state and nonce, against the province's provider, or outside production the embedded
 * development provider, made on the first sign-in for the origin the browser used. The national ID is the
 * configured claim of the verified ID token.
 */
export function citizenSignIn(options: CitizenSignInOptions): CitizenSignIn {
  let dev: Promise<DevIdentityProvider> | null = null;
  let client: Promise<{ party: RelyingParty; subjectClaim: string }> | null = null;

  const devProvider = (request: IncomingMessage): Promise<DevIdentityProvider> => {
    dev ??= createDevIdentityProvider(localOrigin(request), options.demoCitizens).catch((error: unknown) => {
      dev = null;
      throw error;
    });
    return dev;
  };
  const configured = (request: IncomingMessage) => {
    client ??= (async () => {
      const { config } = options;
      if (config.kind === 'oidc')
        return {
          party: await discoverRelyingParty(config.issuer, config.clientId, config.clientSecret, config.redirectUrl),
          subjectClaim: config.subjectClaim,
        };
      const provider = await devProvider(request);
      return {
        party: await discoverRelyingParty(provider.issuer, provider.client.clientId, provider.client.clientSecret, provider.client.redirectUrl),
        subjectClaim: 'sub',
      };
    })().catch((error: unknown) => {
      client = null;
      throw error;
    });
    return client;
  };

  return {
    async start(request) {
      return beginAuthorization((await configured(request)).party, 'openid');
    },
    async finish(request, url, pendingValue) {
      const { party, subjectClaim } = await configured(request);
      const subject = (await completeAuthorization(party, url, pendingValue))[subjectClaim];
      if (typeof subject !== 'string' || !isNationalId(subject))
        throw new AuthenticationError(`The identity token's ${subjectClaim} is not a national ID (12 digits)`);
      return subject;
    },
    elsewhere(request) {
      if (options.config.kind !== 'development') return null;
      const origin = localOrigin(request);
      return request.headers.host === new URL(origin).host ? null : `${origin}/citizen/sign-in`;
    },
    async devProvider(request) {
      return options.config.kind === 'development' ? devProvider(request) : null;
    },
  };
}
