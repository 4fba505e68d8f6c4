import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../common/config';
import { connect } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { AuditLog } from '../gateway/audit/auditLog';
import { AUDIT_TABLES } from '../gateway/audit/auditRepository';
import { unchainedRecordOf } from '../gateway/audit/records';
import type { AuditRecordInput } from '../gateway/audit/types';
import type { FieldDecision } from '../gateway/policy/types';
import { cpuSeconds } from './processes';
import type { AuditFloor } from './results';
import { Q4_PAGES, Q4_PAGE_SIZE } from './shapes';
import { median } from './statistics';

/** Appends timed per record size by default, after as many unmeasured ones. */
const SAMPLES = 200;

/** The chain the measurement writes; its records are removed afterwards, since it is no gateway's. */
const FLOOR_INSTANCE = 'bench-audit-floor';

/** Citizens named by the larger record: Q4's five pages of 100 residents. */
export const FLOOR_MANY_CITIZENS = Q4_PAGES * Q4_PAGE_SIZE;

function allowed(coordinate: string): FieldDecision {
  return { coordinate, effect: 'ALLOW', rule: 'GRANT', grantId: 'bench', reason: 'granted', mask: null, neededGrant: null, scopeUnitCodes: null };
}

/**
 * Given how many citizens it names and which draw it is, returns a record like those of a Q1 (one) or Q4 (500)
 * request. Each draw names other citizens, spread over a million IDs as a ward's residents are over the
 * province's: the citizens' index takes them at scattered places, as it takes a real answer's, not at the same
 * few pages every time.
 */
function floorRecord(citizens: number, draw = 0): AuditRecordInput {
  return {
    at: new Date(),
    principal: {
      kind: 'AGENCY',
      agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false },
      credentialId: 'bench',
      userId: 'bench',
    },
    purpose: 'LAND_REGISTRATION',
    dossierId: 'HS-BENCH',
    operationName: 'CitizenById',
    query: 'query CitizenById($nationalId: ID!) { citizen(nationalId: $nationalId) { nationalId fullName dateOfBirth sex } }',
    variables: { nationalId: '038085000001' },
    fields: ['Query.citizen', 'Citizen.nationalId', 'Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.sex'].map(allowed),
    // 104,729 is prime, so the IDs of one record are distinct.
    citizenIds: Array.from({ length: citizens }, (_, index) => `038085${String((draw * 7_919 + index * 104_729) % 1_000_000).padStart(6, '0')}`),
    rowCount: citizens,
    outcome: 'ALLOWED',
    errorCode: null,
    latencyMs: 1,
    policyVersion: 1,
  };
}

/**
 * Given the database server's pid (null when its CPU is not measured), returns a reader of the CPU milliseconds it
 * has spent so far, or of null.
 */
function databaseCpuReader(pid: number | null): () => number | null {
  return () => {
    const seconds = pid === null ? null : cpuSeconds(pid);
    return seconds === null ? null : seconds * 1000;
  };
}

/**
 * Given a reader of CPU milliseconds, an action, a count and what settles the work it leaves behind (the index
 * rows, which follow a record), runs it that often; returns the CPU per run in ms, or null when not measured. What
 * earlier actions left is settled before the count starts, and what these leave before it ends.
 */
async function cpuPerRunMs(
  readCpuMs: () => number | null,
  action: () => Promise<unknown>,
  runs: number,
  settle: () => Promise<unknown>,
): Promise<number | null> {
  await settle();
  const before = readCpuMs();
  for (let run = 0; run < runs; run += 1) await action();
  await settle();
  const after = readCpuMs();
  return before === null || after === null ? null : (after - before) / runs;
}

/** Given an action and a count, runs it that often unmeasured, then as often one after another; returns the median in ms. */
async function medianMs(action: () => Promise<unknown>, samples: number): Promise<number> {
  for (let sample = 0; sample < samples; sample += 1) await action();
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const started = process.hrtime.bigint();
    await action();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

/**
 * Given a directory on the gateway's disk, a record's text and a count, returns the median of as many fsync'd
 * SQLite commits of it there (WAL, synchronous=FULL, one row per transaction): the fastest durable write to that
 * disk through a storage engine with proven crash recovery, the floor of any durable audit record.
 */
function sqliteCommitMedianMs(directory: string, text: string, samples: number): number {
  const database = new Database(path.join(directory, 'floor.sqlite'));
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.exec('create table floor (seq integer primary key, record text not null)');
    const insert = database.prepare<[number, string]>('insert into floor (seq, record) values (?, ?)');
    const times: number[] = [];
    for (let seq = 1; seq <= 2 * samples; seq += 1) {
      const started = process.hrtime.bigint();
      insert.run(seq, text);
      if (seq > samples) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(times);
  } finally {
    database.close();
  }
}

/**
 * Given the bench's database configuration, measures, with no load running, what a lone request's record costs
 * before its answer may leave: the durable-write floor of the gateway's own disk (an fsync'd SQLite commit, in
 * the directory the bench's audit uses); a bare round trip to the gateway database; one append made durable by
 * the database (group commit of one record, as at c=1) naming one citizen and FLOOR_MANY_CITIZENS; and one made
 * durable in the gateway's local outbox, which the database receives afterwards. The audit's added p50 at c=1
 * is weighed against the first (bench/goals.ts).
 */
export async function measureAuditFloor(database: DatabaseConfig, databasePid: number | null, samples = SAMPLES): Promise<AuditFloor> {
  const db = connect(database, 'gateway');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-audit-'));
  const instances = [FLOOR_INSTANCE, `${FLOOR_INSTANCE}-outbox`];
  const logOf = (instance: string, outbox: boolean) =>
    new AuditLog(db, {
      instance,
      checkpointDirectory: path.join(directory, 'checkpoints'),
      signingKeyFile: path.join(directory, 'keys', 'gateway-ed25519.pem'),
      trustedKeys: [],
      pinFile: path.join(directory, 'keys', 'audit-pins.json'),
      witnesses: [],
      graceMs: 30_000,
      verifierStateFile: path.join(directory, 'verifier', 'state.json'),
      checkpointIntervalMs: 3_600_000,
      batchDelayMs: 0,
      outbox,
      outboxDirectory: path.join(directory, 'outbox'),
      legacyJournalDirectory: path.join(directory, 'journal'),
      shipDelayMs: 100,
      writeIntervalMs: 2,
      retryMs: 2000,
      deferredAgencies: [],
      deferralDays: 0,
    });
  const logs = [logOf(instances[0]!, false), logOf(instances[1]!, true)];
  const removeChains = async () => {
    // The index heads too: one left from an earlier run would stand above the new chain.
    for (const table of AUDIT_TABLES) await db(table).whereIn('instance', instances).delete();
  };
  try {
    await migrateLatest(db, 'gateway');
    await removeChains();
    for (const log of logs) await log.start();
    const [direct, outboxed] = logs as [AuditLog, AuditLog];
    // Every append names citizens of its own: built beforehand, so that no timing holds their making.
    const draws = (citizens: number) => {
      const records = Array.from({ length: 4 * samples }, (_, draw) => floorRecord(citizens, draw));
      let next = 0;
      return () => records[next++ % records.length]!;
    };
    const one = draws(1);
    const many = draws(FLOOR_MANY_CITIZENS);
    const sqliteCommitMs = sqliteCommitMedianMs(directory, JSON.stringify(unchainedRecordOf(one(), FLOOR_INSTANCE)), samples);
    const roundTripMs = await medianMs(() => db.raw('select 1'), samples);
    const appendOneCitizenMs = await medianMs(() => direct.append(one()), samples);
    const appendManyCitizensMs = await medianMs(() => direct.append(many()), samples);
    // The database's CPU per append, one after another: a record's row, its index rows (one per citizen named) and the index head.
    const readDatabaseCpuMs = databaseCpuReader(databasePid);
    const databaseCpuOneCitizenMs = await cpuPerRunMs(
      readDatabaseCpuMs,
      () => direct.append(one()),
      samples,
      () => direct.indexed(),
    );
    const databaseCpuManyCitizensMs = await cpuPerRunMs(
      readDatabaseCpuMs,
      () => direct.append(many()),
      samples,
      () => direct.indexed(),
    );
    // The outbox's commit runs in this process (its worker thread), and so does its shipment: their CPU, the kernel's part included, is the gateway's.
    const cpuBefore = process.cpuUsage();
    const outboxAppendMs = await medianMs(() => outboxed.append(one()), samples);
    await outboxed.indexed();
    const cpu = process.cpuUsage(cpuBefore);
    const outboxAppendCpuMs = (cpu.user + cpu.system) / 1000 / (2 * samples);
    return {
      samples,
      sqliteCommitMs,
      roundTripMs,
      appendOneCitizenMs,
      appendManyCitizensMs,
      manyCitizens: FLOOR_MANY_CITIZENS,
      databaseCpuOneCitizenMs,
      databaseCpuManyCitizensMs,
      outboxAppendMs,
      outboxAppendCpuMs,
    };
  } finally {
    for (const log of logs) await log.stop();
    await removeChains();
    await db.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
