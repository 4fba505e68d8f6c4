import { NotReady, cachedFor, reasonOf, runChecks } from '../../common/readiness';

describe('runChecks', () => {
  it('is ready when every check passes, and names each one that fails or does not answer in time', async () => {
    const report = await runChecks(
      [
        { name: 'policy', check: async () => ({ version: 12 }) },
        {
          name: 'database',
          check: () => Promise.reject(Object.assign(new Error("SQLITE_CANTOPEN: unable to open '/srv/dsp/data/x.sqlite'"), { code: 'SQLITE_CANTOPEN' })),
        },
        { name: 'land', check: () => new Promise(() => undefined) },
        { name: 'health', timeoutMs: 5, check: () => new Promise(() => undefined) },
        { name: 'education', check: () => Promise.reject(new NotReady('HTTP 503', ['database'])) },
      ],
      30,
    );
    expect(report).toEqual({
      status: 'not ready',
      failing: ['database', 'land', 'health', 'education'],
      dependencies: {
        policy: { status: 'up', version: 12 },
        database: { status: 'down', reason: 'SQLITE_CANTOPEN' },
        land: { status: 'down', reason: 'no answer within 30 ms' },
        health: { status: 'down', reason: 'no answer within 5 ms' },
        education: { status: 'down', reason: 'HTTP 503', failing: ['database'] },
      },
    });
    expect(await runChecks([{ name: 'database', check: async () => undefined }], 30)).toEqual({
      status: 'ready',
      failing: [],
      dependencies: { database: { status: 'up' } },
    });
  });
});

describe('reasonOf', () => {
  it('never repeats a message, which may carry a path, a host or SQL', () => {
    expect(reasonOf(new Error('select 1 - connect ECONNREFUSED 10.0.0.7:3306'))).toBe('the check failed');
    expect(reasonOf(Object.assign(new Error('x'), { code: 'ER_ACCESS_DENIED_ERROR' }))).toBe('ER_ACCESS_DENIED_ERROR');
    expect(reasonOf(Object.assign(new Error('x'), { code: 'not a code /etc/passwd' }))).toBe('the check failed');
    expect(reasonOf(Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }))).toBe(
      'no connection free within the pool timeout',
    );
  });
});

describe('cachedFor', () => {
  it('produces at most once a period, and shares a production under way', async () => {
    let clock = 0;
    let produced = 0;
    let release: () => void = () => undefined;
    const cached = cachedFor(
      1000,
      () =>
        new Promise<number>((resolve) => {
          produced += 1;
          release = () => resolve(produced);
        }),
      () => clock,
    );
    const first = cached();
    const second = cached();
    clock = 400;
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    clock = 1300;
    expect(await cached()).toBe(1);
    clock = 1401;
    const third = cached();
    release();
    expect(await third).toBe(2);
    expect(produced).toBe(2);
  });
});
