import fs from 'node:fs';
import type { Knex } from 'knex';
import { connect } from '../../db/connection';
import { AuditLog } from '../../gateway/audit/auditLog';
import { AuditRepository } from '../../gateway/audit/auditRepository';
import { checkpointFile, checkpointSignatureValid, loadVerificationKey, publicKeyFileOf, readCheckpoints } from '../../gateway/audit/checkpoints';
import { AuditIntegrityError } from '../../gateway/audit/errors';
import { GENESIS_HASH, canonicalJson, recordHash, sha256Hex } from '../../gateway/audit/hashChain';
import { unchainedRecordOf } from '../../gateway/audit/records';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { gatewayDatabaseToLose, startRelay } from '../helpers/relay';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, auditInput, createAuditFixture, insertForged, storedRecord } from './auditHelpers';

const onMysql = process.env.MYSQL_HOST !== undefined && process.env.MYSQL_HOST !== '';

/** Given a promise expected to reject, returns the rejection's code and how long it took from now. */
async function rejection(promise: Promise<unknown>): Promise<{ code: unknown; message: string; elapsedMs: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { code: (error as { extensions?: { code?: unknown } }).extensions?.code, message: (error as Error).message, elapsedMs: Date.now() - started };
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Given an instance, a count and how many citizens each names, returns that many records chained from the genesis hash. */
function chainedRecords(instance: string, count: number, citizensEach: number): AuditRecordRow[] {
  const records: AuditRecordRow[] = [];
  let previous = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const citizenIds = Array.from({ length: citizensEach }, (_, index) => `038085${String(seq * 100 + index).padStart(6, '0')}`);
    const content = { ...unchainedRecordOf(auditInput({ citizenIds }), instance), seq, previous_hash: previous };
    previous = recordHash(content);
    records.push({ ...content, hash: previous });
  }
  return records;
}

describe('AuditLog', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('appends one record per request to a gapless chain, each holding the SHA-256 of the one before', async () => {
    const log = await fixture.startLog('gw-chain');
    expect(await appendRecords(log, 4)).toEqual([1, 2, 3, 4]);
    await log.stop();

    const rows = await fixture.db('audit_records').where('instance', 'gw-chain').orderBy('seq');
    expect(rows.map((row) => Number(row.seq))).toEqual([1, 2, 3, 4]);
    expect(rows[0].previous_hash).toBe(GENESIS_HASH);
    for (let index = 1; index < rows.length; index += 1) expect(rows[index].previous_hash).toBe(rows[index - 1].hash);

    const first = await storedRecord(fixture.db, 'gw-chain', 1);
    expect(recordHash(first)).toBe(first.hash);
    const statement = auditInput();
    expect(first).toMatchObject({
      recorded_at: '2026-03-01T08:00:00.000Z',
      agency_code: 'H56.20',
      agency_name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa',
      credential_id: 'k3y1d000',
      user_id: 'officer.nguyen',
      purpose: 'LAND_REGISTRATION',
      dossier_id: 'HS-0',
      operation_name: 'Owner',
      operation_hash: sha256Hex(statement.query!),
      variables_hash: sha256Hex(canonicalJson({ id: '038085001234' })),
      citizen_ids_json: '["038085000000"]',
      row_count: 1,
      outcome: 'ALLOWED',
      error_code: null,
      latency_ms: 12,
      policy_version: 4,
    });
    expect(JSON.parse(first.fields_json)).toEqual([
      { coordinate: 'Citizen.dateOfBirth', effect: 'MASK', rule: 'GRANT', grantId: '7', mask: 'YEAR_ONLY' },
      { coordinate: 'Citizen.fullName', effect: 'ALLOW', rule: 'GRANT', grantId: '7', mask: null },
      { coordinate: 'Query.citizen', effect: 'ALLOW', rule: 'GRANT', grantId: '7', mask: null },
    ]);
    // The operation and its variables are kept as hashes only.
    expect(JSON.stringify(rows)).not.toContain('fullName dateOfBirth');
    expect(await fixture.db('audit_citizens').where({ instance: 'gw-chain', seq: 1 }).select('national_id')).toEqual([{ national_id: '038085000000' }]);
    // The fields are indexed once per set: the four records share one.
    expect(new Set(rows.map((row) => row.field_set)).size).toBe(1);
    expect(await fixture.db('audit_field_sets').where('set_hash', first.field_set!).orderBy('coordinate').select('coordinate', 'effect')).toEqual([
      { coordinate: 'Citizen.dateOfBirth', effect: 'MASK' },
      { coordinate: 'Citizen.fullName', effect: 'ALLOW' },
      { coordinate: 'Query.citizen', effect: 'ALLOW' },
    ]);

    const verification = await fixture.verify('gw-chain');
    expect(verification.instances).toEqual([expect.objectContaining({ instance: 'gw-chain', records: 4, lastCheckpointSeq: 4, unsealed: 0, problem: null })]);
  });

  it('writes concurrent appends together, in fewer batches than records, each durable when its promise resolves', async () => {
    const log = await fixture.startLog('gw-batch', { config: { batchDelayMs: 20 } });
    // Another connection sees only what is committed.
    const reader: Knex = connect(fixture.databases.config, 'gateway');
    try {
      const total = 40;
      const durable: Array<Promise<boolean>> = [];
      const appended = await Promise.all(
        Array.from({ length: total }, (_, index) => {
          const appending = log.append(auditInput({ dossierId: `HS-${index}` }));
          durable.push(appending.then(async ({ seq }) => (await new AuditRepository(reader).recordAt('gw-batch', seq)) !== null));
          return appending;
        }),
      );
      const batches = log.batchesWritten;
      expect(appended.map(({ seq }) => seq).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
      expect(await Promise.all(durable)).toEqual(Array(total).fill(true));
      expect(batches).toBeGreaterThan(0);
      expect(batches).toBeLessThan(total / 4);
      // Each record keeps its own statement, in the order the appends were made.
      const dossiers = await fixture.db('audit_records').where('instance', 'gw-batch').orderBy('seq').select('dossier_id');
      expect(dossiers.map((row) => row.dossier_id)).toEqual(Array.from({ length: total }, (_, index) => `HS-${index}`));
    } finally {
      await reader.destroy();
      await log.stop();
    }
    expect((await fixture.verify('gw-batch')).sound).toBe(true);
  });

  it('does not space the writes of a lone record: with no other request under way, a record never waits for the interval', async () => {
    // An interval far longer than two durable writes take on a loaded machine: a wait for it could not go unseen.
    const log = await fixture.startLog('gw-lone', { config: { batchDelayMs: 0, writeIntervalMs: 20_000 } });
    const started = performance.now();
    await log.append(auditInput());
    await log.append(auditInput());
    expect(performance.now() - started).toBeLessThan(10_000);
    await log.stop();
  });

  it('while other requests are under way, spaces writes so that records share them', async () => {
    const log = await fixture.startLog('gw-interval', { config: { batchDelayMs: 0, writeIntervalMs: 200 } });
    await log.append(auditInput());
    await log.append(auditInput());

    await new Promise((resolve) => setTimeout(resolve, 250));
    for (let index = 0; index < 10; index += 1) log.requestBegun();
    const before = log.batchesWritten;
    const appended: Array<Promise<{ seq: number }>> = [];
    for (let index = 0; index < 5; index += 1) {
      appended.push(log.append(auditInput({ dossierId: `HS-${index}` })));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await Promise.all(appended)).map(({ seq }) => seq)).toEqual([3, 4, 5, 6, 7]);
    // The first record is written at once (no write for 200 ms before it), the four that follow share the next write.
    expect(log.batchesWritten - before).toBe(2);
    for (let index = 0; index < 10; index += 1) log.requestEnded();
    await log.stop();
  });

  it('writes a batch longer than one round trip carries in several, as one transaction', async () => {
    const instance = 'gw-long-batch';
    const records = chainedRecords(instance, 6, 40);
    // About 1,000 characters per record: a limit of 1,000 puts each record in a statement and a round trip of its own.
    const repository = new AuditRepository(fixture.db, 1000);
    await fixture.sealGenesis(instance);
    await repository.appendBatch(records, 2000);
    await repository.close();
    expect(await fixture.db('audit_records').where('instance', instance).count({ count: '*' }).first()).toEqual({ count: 6 });
    const log = await fixture.startLog(instance);
    expect(await log.append(auditInput())).toEqual({ seq: 7 });
    await log.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 7, problem: null });
  });

  it('indexes each record by citizen and field with it, or right after it for a large one, and at start what a crash left unindexed', async () => {
    const instance = 'gw-index';
    // Records written, and the gateway gone before their index rows were: as after a crash.
    const repository = new AuditRepository(fixture.db);
    await fixture.sealGenesis(instance);
    await repository.appendBatch(chainedRecords(instance, 3, 2), 2000);
    await repository.close();
    expect(await fixture.repository.indexHead(instance)).toBe(0);
    // Not indexed yet is sound within the grace of the records' time, not after it (see verify.test.ts).
    const soonAfter = { now: () => new Date('2026-03-01T08:00:10.000Z') };
    expect((await fixture.verify(instance, undefined, soonAfter)).instances[0]).toMatchObject({ records: 3, problem: null });

    const log = await fixture.startLog(instance);
    await log.append(auditInput({ citizenIds: ['038085000777'] }));
    await log.indexed();
    expect(await fixture.repository.indexHead(instance)).toBe(4);
    const { citizens, fieldSets } = await fixture.repository.indexRows(instance, 1, 4);
    expect(citizens.map((row) => `${row.seq}:${row.national_id}`).sort()).toEqual([
      '1:038085000100',
      '1:038085000101',
      '2:038085000200',
      '2:038085000201',
      '3:038085000300',
      '3:038085000301',
      '4:038085000777',
    ]);
    expect(fieldSets.map((row) => `${row.coordinate}:${row.effect}`).sort()).toEqual([
      'Citizen.dateOfBirth:MASK',
      'Citizen.fullName:ALLOW',
      'Query.citizen:ALLOW',
    ]);
    // A record naming a page of residents is indexed after its batch, in a transaction of its own.
    const page = Array.from({ length: 300 }, (_, index) => `038085${String(10_000 + index).padStart(6, '0')}`);
    expect(await log.append(auditInput({ citizenIds: page }))).toEqual({ seq: 5 });
    await log.indexed();
    expect(await fixture.repository.indexHead(instance)).toBe(5);
    expect((await fixture.repository.indexRows(instance, 5, 5)).citizens).toHaveLength(300);
    await log.stop();
    expect((await fixture.verify(instance)).instances[0]).toMatchObject({ records: 5, problem: null });
  });

  it('lowers an index head that stands above its chain (a chain removed while its head stayed), so that new records are indexed', async () => {
    const instance = 'gw-index-above';
    await fixture.db('audit_index_heads').insert({ instance, indexed_seq: 9 });
    const log = await fixture.startLog(instance);
    await appendRecords(log, 2);
    await log.indexed();
    expect(await fixture.repository.indexHead(instance)).toBe(2);
    expect((await fixture.repository.indexRows(instance, 1, 2)).citizens).toHaveLength(2);
    await log.stop();
  });

  it('lets a reader in another process index what a gateway left unindexed, once', async () => {
    const repository = new AuditRepository(fixture.db);
    await repository.appendBatch(chainedRecords('gw-left', 2, 3), 2000);
    await repository.close();
    await fixture.repository.indexEveryInstance();
    await fixture.repository.indexEveryInstance();
    expect(await fixture.repository.indexHead('gw-left')).toBe(2);
    expect((await fixture.repository.indexRows('gw-left', 1, 2)).citizens).toHaveLength(6);
  });

  it('when another writer indexed part of a range first, writes nothing twice and says where the index stands', async () => {
    const repository = new AuditRepository(fixture.db);
    try {
      await repository.appendBatch(chainedRecords('gw-race', 3, 2), 2000);
      expect(await repository.indexRecords('gw-race', 1, 2)).toBe(2);
      expect(await repository.indexRecords('gw-race', 1, 3)).toBe(2);
      expect(await repository.indexRecords('gw-race', 3, 3)).toBe(3);
      expect((await repository.indexRows('gw-race', 1, 3)).citizens).toHaveLength(6);
    } finally {
      await repository.close();
    }
  });

  it('continues the chain of its own instance after a restart; another instance keeps its own chain', async () => {
    const first = await fixture.startLog('gw-restart');
    await appendRecords(first, 3);
    await first.stop();
    const headBefore = await storedRecord(fixture.db, 'gw-restart', 3);

    const other = await fixture.startLog('gw-other');
    expect(await other.append(auditInput())).toEqual({ seq: 1 });
    await other.stop();

    const second = await fixture.startLog('gw-restart');
    expect(second.chainHead()).toEqual({ seq: 3, hash: headBefore.hash });
    expect(await second.append(auditInput())).toEqual({ seq: 4 });
    await second.stop();
    expect((await storedRecord(fixture.db, 'gw-restart', 4)).previous_hash).toBe(headBefore.hash);
    const verification = await fixture.verify();
    expect(verification.instances.filter((result) => result.instance.startsWith('gw-restart') || result.instance === 'gw-other')).toEqual([
      expect.objectContaining({ instance: 'gw-other', records: 1, problem: null }),
      expect.objectContaining({ instance: 'gw-restart', records: 4, problem: null }),
    ]);
  });

  it('signs a checkpoint of the head at the interval and at stop, in a file outside the database, with a key kept private', async () => {
    const log = await fixture.startLog('gw-timer', { config: { checkpointIntervalMs: 300 } });
    await appendRecords(log, 2);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await appendRecords(log, 1);
    await log.stop();
    const config = fixture.config('gw-timer');
    const lines = await readCheckpoints(checkpointFile(config.checkpointDirectory, 'gw-timer'));
    const checkpoints = lines.map((line) => line.checkpoint!);
    expect(checkpoints.map(({ seq, reason }) => [seq, reason])).toEqual([
      [0, 'START'],
      [2, 'INTERVAL'],
      [3, 'STOP'],
    ]);
    expect(checkpoints[2]!.headHash).toBe((await storedRecord(fixture.db, 'gw-timer', 3)).hash);
    const publicKey = loadVerificationKey({ publicKeyFile: publicKeyFileOf(config.signingKeyFile), signingKeyFile: config.signingKeyFile });
    expect(checkpoints.every((checkpoint) => checkpointSignatureValid(checkpoint, publicKey))).toBe(true);
    expect(checkpointSignatureValid({ ...checkpoints[2]!, seq: 2 }, publicKey)).toBe(false);
    if (process.platform !== 'win32') expect(fs.statSync(config.signingKeyFile).mode & 0o777).toBe(0o600);
  });

  it('in production, refuses to start without an existing signing key', async () => {
    const log = new AuditLog(fixture.db, fixture.config('gw-production', { signingKeyFile: `${fixture.directory}/missing/key.pem` }), { production: true });
    await expect(log.start()).rejects.toThrow(/does not exist: production checkpoints are signed with a managed Ed25519 key/);
  });

  it('refuses to continue a chain whose tail was cut below its last checkpoint, or that grew while the gateway was stopped', async () => {
    const log = await fixture.startLog('gw-cut');
    await appendRecords(log, 4);
    await log.stop();
    const fourth = await storedRecord(fixture.db, 'gw-cut', 4);
    await fixture.db('audit_records').where({ instance: 'gw-cut', seq: 4 }).delete();
    await expect(fixture.startLog('gw-cut')).rejects.toThrow(AuditIntegrityError);
    await expect(fixture.startLog('gw-cut')).rejects.toThrow(/sealed seq 4, but the database ends at seq 3/);

    await fixture.db('audit_records').insert(fourth);
    const { hash: _hash, ...content } = fourth;
    await insertForged(fixture.db, { ...content, seq: 5, previous_hash: fourth.hash, agency_code: 'H56.99' });
    await expect(fixture.startLog('gw-cut')).rejects.toThrow(/records up to seq 5 follow it: they were added while it was stopped/);
  });

  it('rejects at once, with AUDIT_UNAVAILABLE, when the database cannot be reached', async () => {
    const database = await gatewayDatabaseToLose(fixture.databases.config);
    const log = new AuditLog(database.db, fixture.config('gw-down'));
    await log.start();
    expect(await log.append(auditInput())).toEqual({ seq: 1 });
    await database.loseIt();
    const refused = await rejection(log.append(auditInput()));
    expect(refused.code).toBe('AUDIT_UNAVAILABLE');
    expect(refused.elapsedMs).toBeLessThan(2500);
    await log.stop();
    expect((await rejection(log.append(auditInput()))).message).toMatch(/not running/);
    await database.close();
  });

  it('refuses a statement that cannot be a record', async () => {
    const log = await fixture.startLog('gw-malformed');
    await expect(log.append(auditInput({ citizenIds: ['038*******34'] }))).rejects.toThrow(/is not a national ID/);
    await expect(log.append(auditInput({ outcome: 'MAYBE' as never }))).rejects.toThrow(/Unknown audit outcome/);
    expect(await log.append(auditInput())).toEqual({ seq: 1 });
    await log.stop();
  });

  (onMysql ? it : it.skip)('rejects within 2 s when the database stops answering, and continues the chain once it answers again', async () => {
    const mysql = fixture.databases.config;
    if (mysql.engine !== 'mysql') throw new Error('MySQL only');
    const relay = await startRelay(mysql.port);
    const db = connect({ ...mysql, host: '127.0.0.1', port: relay.port }, 'gateway');
    const log = new AuditLog(db, fixture.config('gw-silent'), { writeTimeoutMs: 2000 });
    try {
      await log.start();
      expect(await log.append(auditInput())).toEqual({ seq: 1 });
      relay.silent = true;
      const refused = await rejection(log.append(auditInput()));
      expect(refused.code).toBe('AUDIT_UNAVAILABLE');
      expect(refused.elapsedMs).toBeGreaterThanOrEqual(1900);
      expect(refused.elapsedMs).toBeLessThan(2600);
      relay.silent = false;
      expect(await log.append(auditInput())).toEqual({ seq: 2 });
      await log.stop();
    } finally {
      await relay.stop();
      await db.destroy();
    }
    expect((await fixture.verify('gw-silent')).instances[0]).toMatchObject({ records: 2, problem: null });
  });
});
