/**
 * The province's identity provider as tests stand it up: an oidc-provider 8 process of its own (an ES module that
 * jest cannot load) on a free port, with one confidential client whose redirect is REDIRECT_URL. Its login form
 * takes an e-mail, which becomes the subject and the `email` claim of the ID token. Prints its issuer, client and
 * secret on one line once it listens.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importEsm } from '../../gateway/oidc/esmImport';

interface Provider {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<{ uid: string }>;
  interactionFinished(request: IncomingMessage, response: ServerResponse, result: object, options?: object): Promise<void>;
}
interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface GrantContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string };
    provider: { Grant: new (input: object) => GrantLike };
  };
}

function readBody(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const redirectUrl = process.env.REDIRECT_URL;
  if (!redirectUrl) throw new Error('REDIRECT_URL is required');
  const { default: ProviderClass } = await importEsm<{ default: new (issuer: string, configuration: object) => Provider }>('oidc-provider');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = { clientId: 'dsp-console', clientSecret: randomBytes(32).toString('base64url') };
  const { privateKey } = generateKeyPairSync('ed25519');
  const provider = new ProviderClass(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig', kid: 'test' }] },
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email'] },
    // The claims go into the ID token itself, not only the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_context: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: id }) }),
    loadExistingGrant: async ({ oidc }: GrantContext) => {
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', issuer);
    if (!url.pathname.startsWith('/interaction/')) return callback(request, response);
    (async () => {
      const details = await provider.interactionDetails(request, response);
      if (request.method !== 'POST') {
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(`<form method="post" action="/interaction/${details.uid}"><input name="email"><button>Sign in</button></form>`);
        return;
      }
      const email = (await readBody(request)).get('email') ?? '';
      await provider.interactionFinished(request, response, { login: { accountId: email } }, { mergeWithLastSubmission: false });
    })().catch((error: unknown) => {
      response.statusCode = 400;
      response.end(String(error));
    });
  });
  process.stdout.write(`Identity provider ready at ${issuer} client ${client.clientId} secret ${client.clientSecret}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
