import { PolicyCache } from '../../gateway/store/policyCache';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import type { TestStore } from './storeHelpers';
import { TEST_ACTOR, createTestStore } from './storeHelpers';

/** Given a condition, waits until it holds or the time is up; returns how long it took. */
async function eventually(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('PolicyCache', () => {
  let store: TestStore;
  const caches: PolicyCache[] = [];

  beforeAll(async () => {
    store = await createTestStore({}, { units: false });
  });

  afterAll(async () => {
    caches.forEach((cache) => cache.stop());
    await store?.destroy();
  });

  it('refuses to answer before it has loaded a snapshot', () => {
    expect(() => new PolicyCache({ repository: store.repository, refreshMs: 100 }).current()).toThrow('not been started');
  });

  it('sees a change made through another gateway within the refresh interval, and reloads only on a new version', async () => {
    // Two gateways: each its own cache; the second reads through a repository of its own.
    const loads: number[] = [];
    const here = new PolicyCache({ repository: store.repository, refreshMs: 200 });
    const elsewhere = new PolicyCache({ repository: new PolicyRepository(store.db), refreshMs: 200, onReload: (snapshot) => loads.push(snapshot.version) });
    caches.push(here, elsewhere);
    await here.start();
    await elsewhere.start();
    expect(elsewhere.current().version).toBe(0);
    expect(elsewhere.current().agencies.size).toBe(0);

    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh Thanh Hóa', sector: 'population' });
    const { key, credential } = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.01' });
    const version = await store.stewardship.version();
    const waited = await eventually(() => elsewhere.current().version === version, 5000);
    expect(waited).toBeLessThan(1000);
    expect(elsewhere.current().agencies.get('H56.01')?.name).toBe('Công an tỉnh Thanh Hóa');
    expect(await store.authenticator.authenticate(`Bearer ${key}`, elsewhere.current())).toMatchObject({ kind: 'AGENCY', credentialId: credential.id });

    await store.stewardship.revokeApiKey(TEST_ACTOR, credential.id);
    await eventually(() => elsewhere.current().credentials.get(credential.id)?.revokedAt !== null, 5000);
    expect(await store.authenticator.authenticate(`Bearer ${key}`, elsewhere.current())).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

    // Nothing changes: polls read the version only, and no snapshot is loaded again.
    const loadsSoFar = loads.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(loads.length).toBe(loadsSoFar);
  });

  it('refreshes at once on demand, and keeps the last snapshot while the store cannot be read', async () => {
    const errors: unknown[] = [];
    const repository = new PolicyRepository(store.db);
    const cache = new PolicyCache({ repository, refreshMs: 100, onError: (error) => errors.push(error) });
    caches.push(cache);
    await cache.start();
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.02', name: 'Sở Tư pháp' });
    expect((await cache.refreshNow()).agencies.has('H56.02')).toBe(true);

    const failing = jest.spyOn(repository, 'version').mockRejectedValue(new Error('database gone'));
    try {
      await eventually(() => errors.length >= 2, 3000);
      expect(cache.current().agencies.has('H56.02')).toBe(true);
    } finally {
      failing.mockRestore();
    }
  });
});
