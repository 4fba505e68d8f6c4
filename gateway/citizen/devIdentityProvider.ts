import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNationalId } from '../../common/nationalId';
import type { DemoCitizen } from '../../db/demoCitizens';
import { importEsm } from '../oidc/esmImport';

/** Where the development provider answers on the gateway: its issuer is the gateway's origin and this path. */
export const DEV_PROVIDER_PATH = '/citizen/idp';
const INTERACTION_PATH = `${DEV_PROVIDER_PATH}/interaction/`;
const MAX_FORM_BYTES = 2048;

/** What of oidc-provider 8 (which ships no types) the development provider uses. */
interface OidcProvider {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<{ uid: string; prompt: { name: string } }>;
  interactionFinished(request: IncomingMessage, response: ServerResponse, result: object, options?: object): Promise<void>;
}
type OidcProviderClass = new (issuer: string, configuration: object) => OidcProvider;
interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface ProviderContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    provider: { Grant: { new (input: object): GrantLike; find(id: string): Promise<GrantLike | undefined> } };
  };
}

/** The development provider's one client: the gateway's own citizen sign-in. */
export interface DevClient {
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
}

export interface DevIdentityProvider {
  issuer: string;
  client: DevClient;
  /** Answers a request under /citizen/idp. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): void;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function loginPage(uid: string, citizens: readonly DemoCitizen[], problem: string | null): string {
  const action = `${INTERACTION_PATH}${encodeURIComponent(uid)}/login`;
  const choices = citizens
    .map(
      (citizen) =>
        `<li><form method="post" action="${action}"><input type="hidden" name="nationalId" value="${escapeHtml(citizen.nationalId)}">` +
        `<button type="submit" data-national-id="${escapeHtml(citizen.nationalId)}">${escapeHtml(citizen.fullName)} · ${escapeHtml(citizen.nationalId)}</button></form></li>`,
    )
    .join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập thử nghiệm · Development sign-in</title></head><body>
<h1>Nhà cung cấp định danh thử nghiệm</h1>
<p>Chỉ dùng để thử: không bao giờ chạy trong môi trường vận hành. <i>Development identity provider: never in production.</i></p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<h2>Chọn một công dân mẫu · Pick a seeded citizen</h2>
<ul>${choices || '<li>Chưa có dữ liệu mẫu · No seeded citizens</li>'}</ul>
<h2>Hoặc nhập số định danh · Or type a national ID</h2>
<form method="post" action="${action}"><label>Số định danh cá nhân <input name="nationalId" inputmode="numeric" pattern="[0-9]{12}" required></label>
<button type="submit">Đăng nhập · Sign in</button></form>
</body></html>`;
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('form too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.setHeader('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
  response.end(html);
}

/**
 * Given the gateway's origin (http://host:port) and the seeded citizens, returns an OpenID Connect provider
 * for development and tests, mounted on the gateway at /citizen/idp: authorization code with PKCE, one
 * confidential client (the gateway's citizen sign-in), and a login page that offers the seeded citizens; the
 * subject of its ID tokens is the national ID chosen. Keys and secrets are made for this process alone.
 */
export async function createDevIdentityProvider(origin: string, citizens: () => Promise<DemoCitizen[]>): Promise<DevIdentityProvider> {
  const { default: Provider } = await importEsm<{ default: OidcProviderClass }>('oidc-provider');
  const issuer = `${origin}${DEV_PROVIDER_PATH}`;
  const client: DevClient = { clientId: 'dsp-citizen-dev', clientSecret: randomBytes(32).toString('base64url'), redirectUrl: `${origin}/citizen/callback` };
  const { privateKey } = generateKeyPairSync('ed25519');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig', kid: 'dev' }] },
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_context: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_context: unknown, id: string) => (isNationalId(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    // The gateway's own page is the one client: no consent screen, the grant covers openid.
    loadExistingGrant: async (context: ProviderContext) => {
      const { oidc } = context;
      const existing = oidc.session.grantIdFor(oidc.client.clientId);
      if (existing) return oidc.provider.Grant.find(existing);
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },
    renderError: (context: { type: string; body: string }, out: { error: string; error_description?: string }) => {
      context.type = 'text/plain; charset=utf-8';
      context.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  });
  const callback = provider.callback();
  const interaction = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const rest = url.pathname.slice(INTERACTION_PATH.length).split('/');
    const login = rest[1] === 'login' && request.method === 'POST';
    (async () => {
      const details = await provider.interactionDetails(request, response);
      if (!login) return sendHtml(response, 200, loginPage(details.uid, await citizens(), null));
      const nationalId = (await readForm(request)).get('nationalId')?.trim() ?? '';
      if (!isNationalId(nationalId))
        return sendHtml(response, 400, loginPage(details.uid, await citizens(), 'Số định danh có 12 chữ số · A national ID has 12 digits'));
      return provider.interactionFinished(request, response, { login: { accountId: nationalId } }, { mergeWithLastSubmission: false });
    })().catch(() => {
      if (!response.headersSent)
        sendHtml(response, 400, '<!doctype html><p>Phiên đăng nhập đã hết hạn · The sign-in has expired: <a href="/citizen">start again</a></p>');
    });
  };
  return {
    issuer,
    client,
    handle(request, response, url) {
      if (url.pathname.startsWith(INTERACTION_PATH)) return interaction(request, response, url);
      // Mounted as Express mounts it: the provider sees its own paths, and finds its mount in originalUrl.
      const mounted = request as IncomingMessage & { originalUrl?: string };
      mounted.originalUrl = request.url;
      request.url = (request.url ?? '/').slice(DEV_PROVIDER_PATH.length) || '/';
      callback(request, response);
    },
  };
}
