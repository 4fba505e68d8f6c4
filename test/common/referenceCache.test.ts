import { ReferenceCache, ReferenceTables } from '../../common/referenceCache';

interface Unit {
  code: string;
  name: string;
}

/** A table of units the cache reads from, counting the reads and the keys each asked for. */
function unitTable(rows: Unit[]) {
  const reads: Array<readonly string[]> = [];
  return {
    rows,
    reads,
    read: async (codes: readonly string[]): Promise<Unit[]> => {
      reads.push([...codes]);
      return rows.filter((row) => codes.includes(row.code)).map((row) => ({ ...row }));
    },
  };
}

const codeOf = (row: Unit) => row.code;

describe('ReferenceCache', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('serves a row from memory within its time, then reads it again and serves the new row', async () => {
    const table = unitTable([{ code: '40778', name: 'Hạc Thành' }]);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 1000, maxRows: 10 }, clock);
    expect(await cache.rowsOf(['40778'], table.read, codeOf)).toEqual([{ code: '40778', name: 'Hạc Thành' }]);
    table.rows[0] = { code: '40778', name: 'Hạc Thành mới' };
    now += 999;
    expect(await cache.rowsOf(['40778'], table.read, codeOf)).toEqual([{ code: '40778', name: 'Hạc Thành' }]);
    expect(table.reads).toHaveLength(1);
    now += 1;
    expect(await cache.rowsOf(['40778'], table.read, codeOf)).toEqual([{ code: '40778', name: 'Hạc Thành mới' }]);
    expect(table.reads).toEqual([['40778'], ['40778']]);
  });

  it('reads only the keys it does not hold, in one read, and answers in key order with null for a key without a row', async () => {
    const table = unitTable([
      { code: 'A', name: 'a' },
      { code: 'B', name: 'b' },
      { code: 'C', name: 'c' },
    ]);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 1000, maxRows: 10 }, clock);
    await cache.rowsOf(['B'], table.read, codeOf);
    const rows = await cache.rowsOf(['C', 'missing', 'B', 'A'], table.read, codeOf);
    expect(rows.map((row) => row?.code ?? null)).toEqual(['C', null, 'B', 'A']);
    expect(table.reads).toEqual([['B'], ['C', 'missing', 'A']]);
  });

  it('keeps no key that matched no row, so unknown keys cost a read each time and take no room', async () => {
    const table = unitTable([]);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 1000, maxRows: 10 }, clock);
    for (let index = 0; index < 50; index += 1) expect(await cache.rowsOf([`X${index}`], table.read, codeOf)).toEqual([null]);
    expect(cache.size).toBe(0);
    expect(table.reads).toHaveLength(50);
  });

  it('keeps at most maxRows, dropping the row read longest ago', async () => {
    const rows = Array.from({ length: 5 }, (_, index) => ({ code: `U${index}`, name: `unit ${index}` }));
    const table = unitTable(rows);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 60_000, maxRows: 3 }, clock);
    for (const row of rows) await cache.rowsOf([row.code], table.read, codeOf);
    expect(cache.size).toBe(3);
    table.reads.length = 0;
    await cache.rowsOf(['U2', 'U3', 'U4'], table.read, codeOf);
    expect(table.reads).toEqual([]);
    await cache.rowsOf(['U0'], table.read, codeOf);
    expect(table.reads).toEqual([['U0']]);
    expect(cache.size).toBe(3);
  });

  it('reads every time when its time is 0', async () => {
    const table = unitTable([{ code: 'A', name: 'a' }]);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 0, maxRows: 10 }, clock);
    await cache.rowsOf(['A'], table.read, codeOf);
    await cache.rowsOf(['A'], table.read, codeOf);
    expect(table.reads).toHaveLength(2);
    expect(cache.size).toBe(0);
  });

  it('serves each request a copy: what one request does to a row cannot change what the next is served', async () => {
    const table = unitTable([{ code: 'A', name: 'a' }]);
    const cache = new ReferenceCache<string, Unit>({ ttlMs: 1000, maxRows: 10 }, clock);
    const [read] = await cache.rowsOf(['A'], table.read, codeOf);
    read!.name = 'changed by the request that read it';
    const [held] = await cache.rowsOf(['A'], table.read, codeOf);
    held!.name = 'changed by the request it was served to';
    expect(await cache.rowsOf(['A'], table.read, codeOf)).toEqual([{ code: 'A', name: 'a' }]);
    expect(table.reads).toHaveLength(1);
  });
});

describe('ReferenceTables', () => {
  it('gives one cache per table name, each with its own rows', async () => {
    const tables = new ReferenceTables({ ttlMs: 1000, maxRows: 10 });
    expect(tables.table('schools')).toBe(tables.table('schools'));
    expect(tables.table('schools')).not.toBe(tables.table('facilities'));
    await tables.table<string, Unit>('schools').rowsOf(['A'], unitTable([{ code: 'A', name: 'a' }]).read, codeOf);
    expect(tables.table('schools').size).toBe(1);
    expect(tables.table('facilities').size).toBe(0);
  });
});
