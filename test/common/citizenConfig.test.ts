import { loadConfig } from '../../common/config';

const OIDC = {
  CITIZEN_OIDC_ISSUER: 'https://id.thanhhoa.gov.vn',
  CITIZEN_OIDC_CLIENT_ID: 'dsp-citizen',
  CITIZEN_OIDC_CLIENT_SECRET: 'client-secret',
  CITIZEN_OIDC_REDIRECT_URL: 'https://dulieu.thanhhoa.gov.vn/citizen/callback',
};

describe("the citizens' sign-in configuration", () => {
  it('defaults to the development provider outside production, with half-hour sessions', () => {
    expect(loadConfig({}).citizen).toEqual({ signIn: { kind: 'development' }, sessionTtlMs: 30 * 60 * 1000 });
  });

  it('refuses the development provider in production, by default or when asked for', () => {
    for (const environment of [{}, { CITIZEN_SIGN_IN: 'development' }]) {
      expect(() => loadConfig({ NODE_ENV: 'production', ...environment })).toThrow(/CITIZEN_SIGN_IN=development .* is refused in production/);
    }
  });

  it("names the province's provider with its client, and the national ID's claim", () => {
    expect(loadConfig({ ...OIDC, CITIZEN_OIDC_SUBJECT_CLAIM: 'so_dinh_danh', CITIZEN_SESSION_TTL_MS: '600000' }).citizen).toEqual({
      signIn: {
        kind: 'oidc',
        issuer: 'https://id.thanhhoa.gov.vn',
        clientId: 'dsp-citizen',
        clientSecret: 'client-secret',
        redirectUrl: 'https://dulieu.thanhhoa.gov.vn/citizen/callback',
        subjectClaim: 'so_dinh_danh',
      },
      sessionTtlMs: 600000,
    });
  });

  it('lists every missing or bad value of the provider at once', () => {
    expect(() => loadConfig({ CITIZEN_SIGN_IN: 'oidc' })).toThrow(
      /CITIZEN_OIDC_ISSUER is required[\s\S]*CITIZEN_OIDC_REDIRECT_URL is required[\s\S]*CITIZEN_OIDC_CLIENT_ID is required/,
    );
    expect(() => loadConfig({ ...OIDC, CITIZEN_SIGN_IN: 'vneid' })).toThrow(/CITIZEN_SIGN_IN must be oidc or development/);
    expect(() => loadConfig({ ...OIDC, NODE_ENV: 'production', CITIZEN_OIDC_ISSUER: 'http://id.thanhhoa.gov.vn' })).toThrow(
      /CITIZEN_OIDC_ISSUER must be an https URL in production/,
    );
    expect(() => loadConfig({ ...OIDC, CITIZEN_OIDC_SUBJECT_CLAIM: 'a b' })).toThrow(/CITIZEN_OIDC_SUBJECT_CLAIM must be a claim name/);
    expect(() => loadConfig({ CITIZEN_SESSION_TTL_MS: '5' })).toThrow(/CITIZEN_SESSION_TTL_MS must be a whole number/);
  });
});
