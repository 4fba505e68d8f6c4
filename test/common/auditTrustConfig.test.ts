import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { loadWitnessConfig } from '../../common/witnessConfig';
import { publicKeyText } from '../../common/publicKeys';

const key = () => publicKeyText(generateKeyPairSync('ed25519').publicKey);
const PRODUCTION = {
  NODE_ENV: 'production',
  SUBGRAPH_SIGNING_KEY: 'k'.repeat(40),
  AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-ed25519.pem',
  CITIZEN_OIDC_ISSUER: 'https://id.thanhhoa.gov.vn',
  CITIZEN_OIDC_CLIENT_ID: 'dsp-citizen',
  CITIZEN_OIDC_REDIRECT_URL: 'https://dulieu.thanhhoa.gov.vn/citizen/callback',
};

describe('the audit trust anchor configuration', () => {
  it('keeps the signing key and the development pins outside the audit directory by default, and refuses a key inside it', () => {
    const audit = loadConfig({ DATA_DIR: '/var/lib/dsp' }).audit;
    expect(audit).toMatchObject({
      checkpointDirectory: '/var/lib/dsp/audit',
      signingKeyFile: '/var/lib/dsp/keys/audit-ed25519.pem',
      pinFile: '/var/lib/dsp/keys/audit-pins.json',
      trustedKeys: [],
      witnesses: [],
      graceMs: 30000,
      verifierStateFile: '/var/lib/dsp/audit-verifier/state.json',
    });
    expect(() => loadConfig({ AUDIT_DIRECTORY: '/srv/audit', AUDIT_SIGNING_KEY_FILE: '/srv/audit/keys/gateway.pem' })).toThrow(
      /AUDIT_SIGNING_KEY_FILE \(\/srv\/audit\/keys\/gateway.pem\) must lie outside AUDIT_DIRECTORY/,
    );
    expect(() => loadConfig({ AUDIT_DIRECTORY: '/srv/audit', AUDIT_SIGNING_KEY_FILE: '/srv/audit-keys/gateway.pem' })).not.toThrow();
  });

  it('reads pinned keys and witnesses, one key per witness, and names a key that is not an Ed25519 public key', () => {
    const [gateway, witness] = [key(), key()];
    const audit = loadConfig({
      AUDIT_TRUSTED_KEYS: `${gateway}, ${key()}`,
      AUDIT_WITNESS_URLS: 'https://witness.stp.gov.vn',
      AUDIT_WITNESS_KEYS: witness,
    }).audit;
    expect(audit.trustedKeys).toEqual([gateway, expect.any(String)]);
    expect(audit.witnesses).toEqual([{ url: 'https://witness.stp.gov.vn', publicKey: witness }]);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(() => loadConfig({ AUDIT_TRUSTED_KEYS: `${gateway},not-a-key!` })).toThrow(/AUDIT_TRUSTED_KEYS: key 2 is not base64/);
    expect(() => loadConfig({ AUDIT_TRUSTED_KEYS: rsa })).toThrow(/AUDIT_TRUSTED_KEYS: key 1 is an rsa key, not Ed25519/);
    expect(() => loadConfig({ AUDIT_WITNESS_URLS: 'https://a,https://b', AUDIT_WITNESS_KEYS: witness })).toThrow(
      /names 2 witness\(es\) and AUDIT_WITNESS_KEYS 1 key\(s\)/,
    );
  });

  it('in production requires pinned keys and a witness, and never reads a pin file', () => {
    expect(() => loadConfig(PRODUCTION)).toThrow(
      /AUDIT_TRUSTED_KEYS is required in production[\s\S]*AUDIT_WITNESS_URLS and AUDIT_WITNESS_KEYS are required in production/,
    );
    const audit = loadConfig({ ...PRODUCTION, AUDIT_TRUSTED_KEYS: key(), AUDIT_WITNESS_URLS: 'https://witness.stp.gov.vn', AUDIT_WITNESS_KEYS: key() }).audit;
    expect(audit.pinFile).toBeNull();
  });

  it('configures the witness service on its own: its store, its key, and the gateway keys it takes', () => {
    expect(loadWitnessConfig({ DATA_DIR: '/var/lib/dsp' })).toMatchObject({
      port: 4005,
      databaseFile: '/var/lib/dsp/witness/witness.sqlite',
      keyFile: '/var/lib/dsp/witness/witness-ed25519.pem',
      trustedKeys: [],
      pinFile: path.join('/var/lib/dsp', 'keys', 'audit-pins.json'),
    });
    expect(() => loadWitnessConfig({ NODE_ENV: 'production' })).toThrow(
      /WITNESS_KEY_FILE is required in production[\s\S]*WITNESS_TRUSTED_KEYS is required in production/,
    );
    const gateway = key();
    expect(
      loadWitnessConfig({ NODE_ENV: 'production', WITNESS_KEY_FILE: '/run/secrets/witness.pem', WITNESS_TRUSTED_KEYS: gateway, WITNESS_PORT: '8443' }),
    ).toMatchObject({ trustedKeys: [gateway], port: 8443, pinFile: null });
    expect(() => loadWitnessConfig({ WITNESS_PORT: 'x' })).toThrow(/WITNESS_PORT must be a whole number/);
  });
});
