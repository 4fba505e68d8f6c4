import { ANONYMOUS } from '../../gateway/store/authenticator';
import { AuthenticationError } from '../../gateway/store/errors';
import type { TestStore } from './storeHelpers';
import { TEST_ACTOR, createTestStore } from './storeHelpers';

/** Given what authenticate returned, returns the refusal's code and message, or fails when it let the caller in. */
function refused(result: unknown): { code: unknown; message: string } {
  expect(result).toBeInstanceOf(AuthenticationError);
  const error = result as AuthenticationError;
  return { code: error.extensions.code, message: error.message };
}

describe('Authenticator with API keys', () => {
  let store: TestStore;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    store = await createTestStore();
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    ({
      key,
      credential: { id: keyId },
    } = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20', expiresAt: '2026-06-01' }));
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('lets no header through as the anonymous caller', async () => {
    expect(await store.authenticator.authenticate(undefined, await store.repository.loadSnapshot())).toBe(ANONYMOUS);
  });

  it('turns a valid key into its agency, with the key as credential', async () => {
    const principal = await store.authenticator.authenticate(`Bearer ${key}`, await store.repository.loadSnapshot());
    expect(principal).toEqual({
      kind: 'AGENCY',
      agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false },
      credentialId: keyId,
      userId: null,
    });
    expect(await store.authenticator.authenticate(`bearer   ${key}`, await store.repository.loadSnapshot())).toMatchObject({ kind: 'AGENCY' });
  });

  it.each([
    ['a header without Bearer', () => 'Basic dXNlcjpwYXNz', /must read "Bearer <API key or agency token>"/],
    ['an empty header', () => '', /must read "Bearer/],
    ['a malformed key', () => 'Bearer dsp_abc_tooshort', /API key is malformed/],
    ['an unknown key id', () => `Bearer dsp_zzzzzzzz_${'a'.repeat(43)}`, /API key zzzzzzzz is not recognised/],
    ['a wrong secret', () => `Bearer dsp_${keyId}_${'a'.repeat(43)}`, /API key [a-z0-9]{8} is not recognised/],
    ['a token that is neither key nor JWT', () => 'Bearer hello', /neither an API key .* nor an agency token/],
    ['a JWT with no identity provider configured', () => 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', /no identity provider is configured/],
  ])('refuses %s with UNAUTHENTICATED and never quotes the secret', async (_case, header, message) => {
    const result = refused(await store.authenticator.authenticate(header(), await store.repository.loadSnapshot()));
    expect(result.code).toBe('UNAUTHENTICATED');
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain('a'.repeat(43));
    expect(result.message).not.toContain(key.slice(13));
  });

  it('refuses a key once it has expired', async () => {
    const snapshot = await store.repository.loadSnapshot();
    store.clock.set('2026-06-01T00:00:00.000Z');
    try {
      const result = refused(await store.authenticator.authenticate(`Bearer ${key}`, snapshot));
      expect(result.message).toBe(`The API key ${keyId} expired at 2026-06-01T00:00:00.000Z`);
    } finally {
      store.clock.set('2026-03-01T08:00:00.000Z');
    }
  });

  it('refuses a revoked key from the first snapshot loaded after the revocation', async () => {
    const issued = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20' });
    const before = await store.repository.loadSnapshot();
    await store.stewardship.revokeApiKey(TEST_ACTOR, issued.credential.id);
    const after = await store.repository.loadSnapshot();
    expect(after.version).toBeGreaterThan(before.version);
    expect(await store.authenticator.authenticate(`Bearer ${issued.key}`, before)).toMatchObject({ kind: 'AGENCY' });
    expect(refused(await store.authenticator.authenticate(`Bearer ${issued.key}`, after)).message).toBe(`The API key ${issued.credential.id} has been revoked`);
  });

  it('accepts a rotated key until its grace period ends, and its successor throughout', async () => {
    const old = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20' });
    const successor = await store.stewardship.rotateApiKey(TEST_ACTOR, { id: old.credential.id, graceSeconds: 60 });
    const snapshot = await store.repository.loadSnapshot();
    expect(await store.authenticator.authenticate(`Bearer ${old.key}`, snapshot)).toMatchObject({ kind: 'AGENCY', credentialId: old.credential.id });
    store.clock.advance(60_000);
    try {
      expect(refused(await store.authenticator.authenticate(`Bearer ${old.key}`, snapshot)).message).toMatch(/expired/);
      expect(await store.authenticator.authenticate(`Bearer ${successor.key}`, snapshot)).toMatchObject({
        kind: 'AGENCY',
        credentialId: successor.credential.id,
      });
    } finally {
      store.clock.set('2026-03-01T08:00:00.000Z');
    }
  });
});
