import { AuditRepository } from '../../gateway/audit/auditRepository';
import { GENESIS_HASH, recordHash } from '../../gateway/audit/hashChain';
import { unchainedRecordOf } from '../../gateway/audit/records';
import { insertStatements } from '../../gateway/audit/sqlBatches';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture, decided } from './auditHelpers';

interface Row {
  a: string;
  b: number | null;
}

/** Given a count, returns that many rows, each telling its place. */
function rows(count: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({ a: `row ${index}`, b: index % 3 === 0 ? null : index }));
}

/** Given statements of rows of two columns, returns how many rows each writes. */
function rowCounts(statements: ReturnType<typeof insertStatements>): number[] {
  return statements.map((statement) => statement.values.length / 2);
}

describe('insertStatements', () => {
  it('writes every row once, in order, as text statements of any size by default', () => {
    const statements = insertStatements<Row>('t', ['a', 'b'], rows(13), 1_000_000);
    expect(rowCounts(statements)).toEqual([13]);
    expect(statements.every((statement) => !statement.prepared)).toBe(true);
    expect(statements[0]!.sql).toBe(`insert into t (a, b) values ${Array(13).fill('(?, ?)').join(', ')}`);
  });

  it('prepared, writes a power of two or three times one of rows per statement, largest first, every row once and in order', () => {
    const statements = insertStatements<Row>('t', ['a', 'b'], rows(13), 1_000_000, true);
    expect(rowCounts(statements)).toEqual([12, 1]);
    expect(rowCounts(insertStatements<Row>('t', ['a', 'b'], rows(50), 1_000_000, true))).toEqual([48, 2]);
    expect(statements.every((statement) => statement.prepared)).toBe(true);
    expect(statements.flatMap((statement) => statement.values)).toEqual(rows(13).flatMap((row) => [row.a, row.b]));
    for (const statement of statements) expect(statement.sql.split('?').length - 1).toBe(statement.values.length);
  });

  it('prepared, keeps to a handful of statement texts whatever the batch sizes, within the bound values per statement', () => {
    const texts = new Set<string>();
    for (let count = 1; count <= 5000; count += 7)
      for (const statement of insertStatements<Row>('t', ['a', 'b'], rows(count), 1_000_000, true)) {
        texts.add(statement.sql);
        expect(statement.values.length).toBeLessThanOrEqual(8000);
      }
    // Up to 3072 rows of two columns per statement (at most 4000): twelve powers of two and eleven times three.
    expect(texts.size).toBe(23);
  });

  it('prepared, still cuts a batch longer than the longest statement wanted', () => {
    const statements = insertStatements<Row>('t', ['a', 'b'], rows(40), 200, true);
    expect(rowCounts(statements).reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(statements.length).toBeGreaterThan(3);
    expect(statements.flatMap((statement) => statement.values)).toEqual(rows(40).flatMap((row) => [row.a, row.b]));
  });
});

describe('AuditRepository.appendBatch', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  /** Given an instance, a count and what to state in each, returns that many records chained from the genesis hash. */
  function chained(instance: string, count: number, dossierOf: (seq: number) => string): AuditRecordRow[] {
    const records: AuditRecordRow[] = [];
    let previous = GENESIS_HASH;
    for (let seq = 1; seq <= count; seq += 1) {
      const input = auditInput({
        dossierId: dossierOf(seq),
        citizenIds: [`038085${String(seq).padStart(6, '0')}`],
        fields: [decided(`Citizen.a"b\\c'${seq % 2}`), decided('Citizen.fullName')],
      });
      const content = { ...unchainedRecordOf(input, instance), seq, previous_hash: previous };
      previous = recordHash(content);
      records.push({ ...content, hash: previous });
    }
    return records;
  }

  it("stores a batch's values byte for byte, quotes, backslashes, NUL, SQL and non-Latin text included, each record matching its hash", async () => {
    const instance = 'gw-bound-values';
    const hostile = (seq: number) => `HS-${seq}'); delete from audit_records; -- \\' \\\\ " \u0000 \u001a ${'Đ'.repeat(seq % 5)} 😀`;
    // 300 records: prepared statements of 256 (the most of 24 columns within 8000 values), 32 and 12 rows on MySQL.
    const records = chained(instance, 300, hostile);
    const repository = new AuditRepository(fixture.db);
    try {
      await repository.appendBatch(records, 5000, true);
      // A second batch on the same connection reuses the statements prepared for the first.
      const more = chained(instance, 304, hostile).slice(300);
      await repository.appendBatch(more, 5000, true);
    } finally {
      await repository.close();
    }
    const stored = await fixture.repository.chainPage(instance, 0, 1000);
    expect(stored).toHaveLength(304);
    for (const [index, record] of stored.entries()) {
      expect(record.dossier_id).toBe(hostile(index + 1));
      expect(recordHash(record)).toBe(record.hash);
    }
    expect(stored.slice(0, 300)).toEqual(records.map((record) => ({ ...record, officer_unit: null, caller_national_id: null })));
    expect(await fixture.repository.indexHead(instance)).toBe(304);
    expect((await fixture.repository.indexRows(instance, 1, 304)).citizens).toHaveLength(304);
  });

  it('writes none of a batch one of whose records cannot be stored', async () => {
    const instance = 'gw-bound-all-or-none';
    const records = chained(instance, 5, (seq) => `HS-${seq}`);
    const repository = new AuditRepository(fixture.db);
    try {
      // Seq 2 twice in one batch: the primary key refuses the batch, which leaves none of it, index rows included.
      // Matched by message: better-sqlite3's error class comes from whichever test file loaded the addon first, so
      // it is not an Error of this file's realm, which toThrow() requires.
      await expect(repository.appendBatch([records[0]!, records[1]!, records[1]!, records[2]!], 5000, true)).rejects.toMatchObject({
        message: expect.stringMatching(/UNIQUE constraint failed|Duplicate entry/),
      });
      expect(await fixture.repository.chainPage(instance, 0, 10)).toEqual([]);
      await repository.appendBatch(records, 5000);
    } finally {
      await repository.close();
    }
    expect((await fixture.repository.chainPage(instance, 0, 10)).map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
