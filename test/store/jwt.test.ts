import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { KeyLike } from 'jose';
import type { JwtConfig } from '../../common/config';
import type { Agency } from '../../gateway/policy/types';
import { Authenticator } from '../../gateway/store/authenticator';
import type { StoreSnapshot } from '../../gateway/store/types';

const ISSUER = 'https://id.thanhhoa.gov.vn';
const AUDIENCE = 'dsp-gateway';
const HOSPITAL: Agency = { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa', sector: 'health', unitCodes: [], steward: false };
const SNAPSHOT: StoreSnapshot = { version: 1, agencies: new Map([[HOSPITAL.code, HOSPITAL]]), grantsByAgency: new Map(), credentials: new Map() };

interface SigningKey {
  alg: string;
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
}

async function signingKey(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  return { alg, kid, privateKey, publicKey };
}

async function keySet(keys: SigningKey[]) {
  return { keys: await Promise.all(keys.map(async (key) => ({ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: key.alg, use: 'sig' }))) };
}

/** Given a signing key and claims to change, returns a signed token that is valid unless the changes say otherwise. */
function token(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  options: { issuer?: string; audience?: string; expiresIn?: string | number | null } = {},
) {
  const jwt = new SignJWT({ agency_code: HOSPITAL.code, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject('bs.nguyenvana')
    .setJti('token-1')
    .setIssuedAt();
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(key.privateKey);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Authenticator with agency JWTs', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let ed: SigningKey;
  let stranger: SigningKey;
  let server: http.Server;
  let fetches = 0;
  let viaUrl: Authenticator;
  let viaFile: Authenticator;
  let directory: string;

  const config = (source: Partial<JwtConfig>): JwtConfig => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    agencyClaim: 'agency_code',
    jwksUrl: null,
    jwksFile: null,
    ...source,
  });

  beforeAll(async () => {
    rsa = await signingKey('RS256', 'rsa-1');
    ec = await signingKey('ES256', 'ec-1');
    ed = await signingKey('EdDSA', 'ed-1');
    stranger = await signingKey('RS256', 'rsa-unknown');
    const jwks = JSON.stringify(await keySet([rsa, ec, ed]));
    server = http.createServer((_request, response) => {
      fetches += 1;
      response.setHeader('content-type', 'application/json');
      response.end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    viaUrl = new Authenticator({ jwt: config({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` }) });
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-jwks-'));
    fs.writeFileSync(path.join(directory, 'jwks.json'), jwks);
    viaFile = new Authenticator({ jwt: config({ jwksFile: path.join(directory, 'jwks.json') }) });
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it.each(['RS256', 'ES256', 'EdDSA'])('accepts a %s token from the JWKS URL and from the JWKS file', async (alg) => {
    const key = { RS256: rsa, ES256: ec, EdDSA: ed }[alg]!;
    const jwt = await token(key);
    const expected = { kind: 'AGENCY', agency: HOSPITAL, credentialId: 'jwt:token-1', userId: 'bs.nguyenvana' };
    expect(await viaUrl.authenticate(`Bearer ${jwt}`, SNAPSHOT)).toEqual(expected);
    expect(await viaFile.authenticate(`Bearer ${jwt}`, SNAPSHOT)).toEqual(expected);
  });

  it('fetches the key set once and keeps it', async () => {
    const before = fetches;
    for (let count = 0; count < 3; count += 1) await viaUrl.authenticate(`Bearer ${await token(rsa)}`, SNAPSHOT);
    expect(fetches - before).toBe(0);
  });

  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await token(rsa)).split('.');
        return `${header}.${base64url({ agency_code: 'H56.10', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.${signature}`;
      },
      /signature does not verify/,
    ],
    [
      'a tampered signature',
      async () => {
        const jwt = await token(ec);
        return `${jwt.slice(0, -4)}${jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      },
      /signature does not verify|malformed/,
    ],
    [
      'alg none',
      async () =>
        `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ agency_code: HOSPITAL.code, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
      /must be signed with RS256, ES256, EdDSA/,
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
        return new SignJWT({ agency_code: HOSPITAL.code })
          .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(secret);
      },
      /must be signed with RS256, ES256, EdDSA/,
    ],
    ['a key the identity provider does not publish', () => token(stranger), /No key of the identity provider matches/],
    ['another issuer', () => token(rsa, {}, { issuer: 'https://evil.example' }), /not issued by the identity provider https:\/\/id.thanhhoa.gov.vn/],
    ['another audience', () => token(rsa, {}, { audience: 'another-platform' }), /not meant for this platform \(audience dsp-gateway\)/],
    ['an expired token', () => token(rsa, {}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /has expired/],
    ['a token without expiry', () => token(rsa, {}, { expiresIn: null }), /no expiry time/],
    ['a token without agency code', () => token(rsa, { agency_code: undefined }), /no agency code in its "agency_code" claim/],
    ['an unknown agency', () => token(rsa, { agency_code: 'H56.77' }), /The agency H56.77 named by the token is not registered/],
  ];

  it.each(cases)('refuses %s with UNAUTHENTICATED', async (_case, make, message) => {
    for (const authenticator of [viaUrl, viaFile]) {
      const result = await authenticator.authenticate(`Bearer ${await make()}`, SNAPSHOT);
      expect(result).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect((result as Error).message).toMatch(message);
    }
  });

  it('fails at start-up on a JWKS file that is not a key set', () => {
    fs.writeFileSync(path.join(directory, 'bad.json'), '{"keys": 3}');
    expect(() => new Authenticator({ jwt: config({ jwksFile: path.join(directory, 'bad.json') }) })).toThrow(/is not a JSON Web Key Set/);
  });
});
