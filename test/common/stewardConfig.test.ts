import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../common/config';
import { publicKeyText } from '../../common/publicKeys';

const key = () => publicKeyText(generateKeyPairSync('ed25519').publicKey);
/** What production requires besides the stewards' sign-in. */
const PRODUCTION = {
  NODE_ENV: 'production',
  SUBGRAPH_SIGNING_KEY: 'k'.repeat(40),
  AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-ed25519.pem',
  AUDIT_TRUSTED_KEYS: key(),
  AUDIT_WITNESS_URLS: 'https://witness.stp.gov.vn',
  AUDIT_WITNESS_KEYS: key(),
  CITIZEN_OIDC_ISSUER: 'https://id.thanhhoa.gov.vn',
  CITIZEN_OIDC_CLIENT_ID: 'dsp-citizen',
  CITIZEN_OIDC_REDIRECT_URL: 'https://dulieu.thanhhoa.gov.vn/citizen/callback',
};
const STEWARD = {
  STEWARD_OIDC_ISSUER: 'https://id.thanhhoa.gov.vn',
  STEWARD_OIDC_CLIENT_ID: 'dsp-console',
  STEWARD_OIDC_CLIENT_SECRET: 'client-secret',
  STEWARD_OIDC_REDIRECT_URL: 'https://dulieu.thanhhoa.gov.vn/console/callback',
};
/** Given more variables, returns the steward configuration loaded in production, or the problems it was refused for. */
const production = (environment: Record<string, string>) => {
  try {
    return loadConfig({ ...PRODUCTION, ...environment }).steward;
  } catch (error) {
    return (error as Error).message;
  }
};

describe("the stewards' sign-in configuration", () => {
  it('keeps the local accounts when no identity provider is named, in production too', () => {
    expect(loadConfig({}).steward).toEqual({ identityProvider: null, passwordSignIn: true });
    expect(production({})).toEqual({ identityProvider: null, passwordSignIn: true });
  });

  it("names the province's provider, with e-mail as the default claim, and keeps passwords open outside production", () => {
    expect(loadConfig(STEWARD).steward).toEqual({
      identityProvider: {
        issuer: 'https://id.thanhhoa.gov.vn',
        clientId: 'dsp-console',
        clientSecret: 'client-secret',
        redirectUrl: 'https://dulieu.thanhhoa.gov.vn/console/callback',
        emailClaim: 'email',
      },
      passwordSignIn: true,
    });
    expect(loadConfig({ ...STEWARD, STEWARD_OIDC_EMAIL_CLAIM: 'thu_dien_tu' }).steward.identityProvider?.emailClaim).toBe('thu_dien_tu');
  });

  it('makes the identity provider the only way in, in production', () => {
    expect(production(STEWARD)).toMatchObject({ identityProvider: { issuer: 'https://id.thanhhoa.gov.vn' }, passwordSignIn: false });
  });

  it('requires https in production, for the issuer and the redirect', () => {
    expect(production({ ...STEWARD, STEWARD_OIDC_ISSUER: 'http://id.thanhhoa.gov.vn' })).toMatch(/STEWARD_OIDC_ISSUER must be an https URL in production/);
    expect(production({ ...STEWARD, STEWARD_OIDC_REDIRECT_URL: 'http://dulieu.thanhhoa.gov.vn/console/callback' })).toMatch(
      /STEWARD_OIDC_REDIRECT_URL must be an https URL in production/,
    );
    expect(loadConfig({ ...STEWARD, STEWARD_OIDC_ISSUER: 'http://127.0.0.1:9000' }).steward.identityProvider?.issuer).toBe('http://127.0.0.1:9000');
  });

  it('lists every missing or bad value at once', () => {
    expect(() => loadConfig({ STEWARD_OIDC_ISSUER: 'https://id.thanhhoa.gov.vn' })).toThrow(
      /STEWARD_OIDC_REDIRECT_URL is required[\s\S]*STEWARD_OIDC_CLIENT_ID is required/,
    );
    expect(() => loadConfig({ ...STEWARD, STEWARD_OIDC_ISSUER: 'id.thanhhoa.gov.vn' })).toThrow(/STEWARD_OIDC_ISSUER must be an http\(s\) URL/);
    expect(() => loadConfig({ ...STEWARD, STEWARD_OIDC_REDIRECT_URL: 'https://dulieu.thanhhoa.gov.vn/citizen/callback' })).toThrow(
      /STEWARD_OIDC_REDIRECT_URL must end in this gateway's \/console\/callback/,
    );
    expect(() => loadConfig({ ...STEWARD, STEWARD_OIDC_EMAIL_CLAIM: 'a b' })).toThrow(/STEWARD_OIDC_EMAIL_CLAIM must be a claim name/);
    expect(() => loadConfig({ STEWARD_OIDC_CLIENT_ID: 'dsp-console' })).toThrow(/STEWARD_OIDC_CLIENT_ID given without STEWARD_OIDC_ISSUER/);
  });
});
