import type { IncomingMessage } from 'node:http';
import type * as OpenIdClientModule from 'openid-client';
import type { Configuration as ClientConfiguration } from 'openid-client';
import type { CitizenSignInConfig } from '../../common/config';
import { isNationalId } from '../../common/nationalId';
import type { DemoCitizen } from '../../db/demoCitizens';
import { AuthenticationError } from '../store/errors';
import type { DevIdentityProvider } from './devIdentityProvider';
import { createDevIdentityProvider } from './devIdentityProvider';
import { importEsm } from './esmImport';

type OpenIdClient = typeof OpenIdClientModule;

/** The cookie that carries a sign-in under way (PKCE verifier, state, nonce) from the redirect to the callback. */
export const PENDING_COOKIE = 'dsp_citizen_sign_in';
/** A sign-in left at the identity provider longer than this is started again. */
const PENDING_SECONDS = 600;
/** Where the identity provider sends the citizen back. */
export const CALLBACK_PATH = '/citizen/callback';

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

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
 * Given how citizens sign in, returns the sign-in over OpenID Connect with openid-client: authorization code,
 * PKCE (S256), state and nonce, against the province's provider, or outside production the embedded
 * development provider, made on the first sign-in for the origin the browser used. The national ID is the
 * configured claim of the verified ID token.
 */
export function citizenSignIn(options: CitizenSignInOptions): CitizenSignIn {
  let library: Promise<OpenIdClient> | null = null;
  const openIdClient = () => (library ??= importEsm<OpenIdClient>('openid-client'));
  let dev: Promise<DevIdentityProvider> | null = null;
  let client: Promise<{ configuration: ClientConfiguration; redirectUrl: string; subjectClaim: string }> | null = null;

  const devProvider = (request: IncomingMessage): Promise<DevIdentityProvider> => {
    dev ??= createDevIdentityProvider(localOrigin(request), options.demoCitizens).catch((error: unknown) => {
      dev = null;
      throw error;
    });
    return dev;
  };
  const configured = (request: IncomingMessage) => {
    client ??= (async () => {
      const oidc = await openIdClient();
      const { config } = options;
      if (config.kind === 'oidc') {
        const configuration = await oidc.discovery(new URL(config.issuer), config.clientId, config.clientSecret ?? undefined, undefined, {
          ...(config.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
        });
        return { configuration, redirectUrl: config.redirectUrl, subjectClaim: config.subjectClaim };
      }
      const provider = await devProvider(request);
      const configuration = await oidc.discovery(new URL(provider.issuer), provider.client.clientId, provider.client.clientSecret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      return { configuration, redirectUrl: provider.client.redirectUrl, subjectClaim: 'sub' };
    })().catch((error: unknown) => {
      client = null;
      throw error;
    });
    return client;
  };

  return {
    async start(request) {
      const oidc = await openIdClient();
      const { configuration, redirectUrl } = await configured(request);
      const pending: Pending = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
      const location = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUrl,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { location: location.href, pending: encodePending(pending), maxAgeSeconds: PENDING_SECONDS };
    },
    async finish(request, url, pendingValue) {
      const pending = decodePending(pendingValue);
      if (!pending) throw new AuthenticationError('No sign-in is under way in this browser, or it took over 10 minutes: start again');
      const oidc = await openIdClient();
      const { configuration, redirectUrl, subjectClaim } = await configured(request);
      const current = new URL(redirectUrl);
      current.search = url.search;
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new AuthenticationError(`The identity provider did not confirm the sign-in (${(error as { code?: string }).code ?? 'refused'})`);
      }
      const subject = tokens.claims()?.[subjectClaim];
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
