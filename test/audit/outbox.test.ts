import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog } from '../../gateway/audit/auditLog';
import { AUDIT_TABLES } from '../../gateway/audit/auditRepository';
import { checkpointFile } from '../../gateway/audit/checkpoints';
import { GENESIS_HASH } from '../../gateway/audit/hashChain';
import { outboxFile } from '../../gateway/audit/outbox';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { connect } from '../../db/connection';
import { gatewayDatabaseToLose, startRelay } from '../helpers/relay';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, auditInput, createAuditFixture, insertForged } from './auditHelpers';

/** Given an outbox file, returns the records it holds, read as SQLite recovers them. */
function outboxRecords(file: string): AuditRecordRow[] {
  const database = new Database(file, { readonly: true });
  try {
    return (database.prepare('select record from audit_outbox order by seq').all() as Array<{ record: string }>).map(
      (row) => JSON.parse(row.record) as AuditRecordRow,
    );
  } finally {
    database.close();
  }
}

/** Given a SQLite file, copies it with its write-ahead log as a crash would leave them: whatever is on disk now. */
function copyAsCrashLeavesIt(file: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  for (const suffix of ['', '-wal']) if (fs.existsSync(`${file}${suffix}`)) fs.copyFileSync(`${file}${suffix}`, `${to}${suffix}`);
}

describe('AuditLog with a local outbox', () => {
  let fixture: AuditFixture;
  const outboxOf = (instance: string) => outboxFile(fixture.config(instance).outboxDirectory, instance);
  const withOutbox = (shipDelayMs = 2) => ({ outbox: true, shipDelayMs });
  const storedSeqs = async (instance: string) =>
    (await fixture.db('audit_records').where('instance', instance).orderBy('seq').select('seq')).map((row) => Number(row.seq));

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  /**
   * Given an instance and a count, appends that many records through a log whose database never gets them before
   * the outbox is copied, and returns the copy: the outbox as a kill -9 leaves it, the database as if they never came.
   */
  async function outboxLeftByCrash(instance: string, count: number): Promise<string> {
    const log = await fixture.startLog(instance, { config: withOutbox(60_000) });
    await appendRecords(log, count);
    expect(await storedSeqs(instance)).toEqual([]);
    const left = path.join(fixture.directory, 'crashed', instance, `${instance}.sqlite`);
    copyAsCrashLeavesIt(outboxOf(instance), left);
    await log.stop();
    for (const table of AUDIT_TABLES) await fixture.db(table).where('instance', instance).delete();
    fs.rmSync(checkpointFile(fixture.config(instance).checkpointDirectory, instance));
    return left;
  }

  /** Given a copy of an outbox, puts it back in the instance's place. */
  function restore(left: string, instance: string): void {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${outboxOf(instance)}${suffix}`, { force: true });
    copyAsCrashLeavesIt(left, outboxOf(instance));
  }

  it('makes a record durable in the outbox, ships it to the database right after, and empties the outbox as the database takes it', async () => {
    const instance = 'gw-outbox';
    const log = await fixture.startLog(instance, { config: withOutbox(200) });
    expect(await log.append(auditInput())).toEqual({ seq: 1 });
    // Durable before the database has it: the outbox holds the record, hash and all.
    expect(outboxRecords(outboxOf(instance))).toMatchObject([{ instance, seq: 1, previous_hash: GENESIS_HASH }]);
    expect(await storedSeqs(instance)).toEqual([]);
    // A reader waits for the database and the index.
    await log.indexed();
    expect(await storedSeqs(instance)).toEqual([1]);
    expect(await fixture.repository.indexHead(instance)).toBe(1);
    expect(outboxRecords(outboxOf(instance))).toEqual([]);
    expect(await appendRecords(log, 3)).toEqual([2, 3, 4]);
    await log.stop();
    expect(await storedSeqs(instance)).toEqual([1, 2, 3, 4]);
    expect(outboxRecords(outboxOf(instance))).toEqual([]);
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 4, lastCheckpointSeq: 4, problem: null });
  });

  it('after a crash, ships every record the outbox confirmed, and continues the chain', async () => {
    const instance = 'gw-outbox-crash';
    restore(await outboxLeftByCrash(instance, 12), instance);
    const log = await fixture.startLog(instance, { config: withOutbox() });
    expect(await storedSeqs(instance)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    expect(await log.append(auditInput())).toEqual({ seq: 13 });
    await log.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 13, problem: null });
    expect((await fixture.repository.indexRows(instance, 1, 13)).citizens).toHaveLength(13);
  });

  it('loses no confirmed record to a write a crash cut short: a torn frame after the last commit, or a last commit cut in its middle', async () => {
    const instance = 'gw-outbox-torn';
    const left = await outboxLeftByCrash(instance, 4);
    const wal = `${left}-wal`;
    const whole = fs.readFileSync(wal);
    // A fifth transaction that never completed: part of a frame, then zeros, past the last commit.
    fs.appendFileSync(wal, Buffer.concat([whole.subarray(32, 1500), Buffer.alloc(4096)]));
    restore(left, instance);
    let log = await fixture.startLog(instance, { config: withOutbox() });
    expect(await storedSeqs(instance)).toEqual([1, 2, 3, 4]);
    await log.stop();

    // The fourth commit cut in its middle: it was never confirmed, and the three before it are all shipped.
    for (const table of AUDIT_TABLES) await fixture.db(table).where('instance', instance).delete();
    fs.rmSync(checkpointFile(fixture.config(instance).checkpointDirectory, instance));
    fs.writeFileSync(wal, whole.subarray(0, whole.length - 100));
    restore(left, instance);
    log = await fixture.startLog(instance, { config: withOutbox() });
    expect(await storedSeqs(instance)).toEqual([1, 2, 3]);
    expect(await log.append(auditInput())).toEqual({ seq: 4 });
    await log.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 4, problem: null });
  });

  it('refuses an outbox whose record was altered, or that the database does not continue, naming the outbox', async () => {
    const instance = 'gw-outbox-altered';
    const left = await outboxLeftByCrash(instance, 3);
    const altered = path.join(path.dirname(left), 'altered.sqlite');
    copyAsCrashLeavesIt(left, altered);
    const database = new Database(altered);
    const [, second] = (database.prepare('select record from audit_outbox order by seq').all() as Array<{ record: string }>).map(
      (row) => JSON.parse(row.record) as AuditRecordRow,
    );
    database.prepare('update audit_outbox set record = ? where seq = 2').run(JSON.stringify({ ...second, agency_code: 'H56.99' }));
    database.close();
    restore(altered, instance);
    await expect(fixture.startLog(instance, { config: withOutbox() })).rejects.toThrow(
      /the outbox .*gw-outbox-altered\.sqlite does not continue the database's chain: seq 2 does not match its own hash/,
    );
    expect(await storedSeqs(instance)).toEqual([]);

    // The database holds another record where the outbox holds the third: one of them was rewritten.
    restore(left, instance);
    const [first, secondKept, third] = outboxRecords(outboxOf(instance));
    await fixture.db('audit_records').insert([first!, secondKept!]);
    const { hash: _hash, ...content } = third!;
    await insertForged(fixture.db, { ...content, agency_code: 'H56.99' });
    // A checkpoint file that saw the chain begin, so that the start reaches the outbox's continuity (with none, it
    // stops earlier: records without their checkpoint file).
    await fixture.sealGenesis(instance);
    await expect(fixture.startLog(instance, { config: withOutbox() })).rejects.toThrow(/the database's record at seq 3 is not the one the outbox .* holds/);
  });

  it('with the outbox off, ships what an outbox left behind holds before taking records, and removes it', async () => {
    const instance = 'gw-outbox-left';
    restore(await outboxLeftByCrash(instance, 3), instance);
    const log = await fixture.startLog(instance, { config: { outbox: false } });
    expect(await storedSeqs(instance)).toEqual([1, 2, 3]);
    expect(fs.existsSync(outboxOf(instance))).toBe(false);
    expect(await log.append(auditInput())).toEqual({ seq: 4 });
    await log.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 4, problem: null });
  });

  it("refuses to start over an earlier release's journal that holds records the database lacks, naming its directory", async () => {
    const instance = 'gw-legacy-journal';
    const journal = fixture.config(instance).legacyJournalDirectory;
    fs.mkdirSync(journal, { recursive: true });
    const line = (seq: number) => JSON.stringify({ instance, seq, hash: 'a'.repeat(64) });
    fs.writeFileSync(path.join(journal, `${instance}.1.journal`), Buffer.concat([Buffer.from(`${line(1)}\n${line(2)}\n`), Buffer.alloc(4096)]));
    await expect(fixture.startLog(instance)).rejects.toThrow(
      `The audit journal ${journal} of an earlier release holds 2 record(s) of instance ${instance} (seq 1 to 2) that the gateway database lacks`,
    );
    await expect(fixture.startLog(instance, { config: withOutbox() })).rejects.toThrow(/start the earlier release once so that it ships them/);
    expect(await storedSeqs(instance)).toEqual([]);
  });

  it('refuses records once the database cannot be reached, though the outbox could take them; none is lost', async () => {
    const instance = 'gw-outbox-down';
    const database = await gatewayDatabaseToLose(fixture.databases.config);
    const log = new AuditLog(database.db, fixture.config(instance, withOutbox()));
    try {
      await log.start();
      expect(await log.append(auditInput())).toEqual({ seq: 1 });
      await database.loseIt();
      // Records the outbox took before the loss was known are kept; the first refusal comes within one shipment.
      let refused: unknown = null;
      const deadline = Date.now() + 2500;
      while (refused === null && Date.now() < deadline) {
        refused = await log.append(auditInput()).then(
          () => null,
          (error: unknown) => error,
        );
        if (refused === null) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(refused).toMatchObject({ extensions: { code: 'AUDIT_UNAVAILABLE' }, message: expect.stringMatching(/audit store/) });
      await log.stop();
    } finally {
      await database.close();
    }
    // A gateway that reaches the database again ships what the outbox kept: the chain has every confirmed record.
    const confirmed = log.chainHead().seq;
    const next = await fixture.startLog(instance, { config: withOutbox() });
    expect(await storedSeqs(instance)).toEqual(Array.from({ length: confirmed }, (_, index) => index + 1));
    expect(await next.append(auditInput())).toEqual({ seq: confirmed + 1 });
    await next.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: confirmed + 1, problem: null });
  });

  (process.env.MYSQL_HOST ? it : it.skip)('refuses records while the database does not answer, and takes them again once it does', async () => {
    const mysql = fixture.databases.config;
    if (mysql.engine !== 'mysql') throw new Error('MySQL only');
    const instance = 'gw-outbox-silent';
    const relay = await startRelay(mysql.port);
    const db = connect({ ...mysql, host: '127.0.0.1', port: relay.port }, 'gateway');
    const log = new AuditLog(db, fixture.config(instance, withOutbox()), { writeTimeoutMs: 1000 });
    try {
      await log.start();
      expect(await log.append(auditInput())).toEqual({ seq: 1 });
      await log.indexed();
      relay.silent = true;
      // Taken by the outbox; its shipment hangs until the write timeout, and records are refused from then on.
      expect(await log.append(auditInput())).toEqual({ seq: 2 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await expect(log.append(auditInput())).rejects.toMatchObject({ extensions: { code: 'AUDIT_UNAVAILABLE' } });
      relay.silent = false;
      const deadline = Date.now() + 5000;
      let taken: { seq: number } | null = null;
      while (taken === null && Date.now() < deadline) {
        taken = await log.append(auditInput()).catch(() => null);
        if (taken === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(taken).toEqual({ seq: 3 });
      await log.stop();
    } finally {
      await relay.stop();
      await db.destroy();
    }
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 3, problem: null });
  });
});
