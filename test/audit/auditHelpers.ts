import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { AuditConfig } from '../../common/config';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { AuditLog } from '../../gateway/audit/auditLog';
import type { AuditLogOptions } from '../../gateway/audit/auditLog';
import { AuditRepository } from '../../gateway/audit/auditRepository';
import { GENESIS_HASH, recordHash } from '../../gateway/audit/hashChain';
import type { AuditRecordInput } from '../../gateway/audit/types';
import { appendCheckpoint, signCheckpoint } from '../../gateway/audit/checkpoints';
import { pinnedTrust, trustedSigningKey } from '../../gateway/audit/trustAnchor';
import { verifyAuditTrail } from '../../gateway/audit/verify';
import type { AuditVerification, VerifyOptions } from '../../gateway/audit/verify';
import type { Agency, FieldDecision } from '../../gateway/policy/types';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

export const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land', unitCodes: [], steward: false };
export const POLICE: Agency = { code: 'H56.01', name: 'Công an tỉnh Thanh Hóa', sector: 'population', unitCodes: [], steward: false };
export const HOSPITAL: Agency = { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa', sector: 'health', unitCodes: [], steward: false };

/** Given a coordinate and an effect, returns the decided field as decide() would. */
export function decided(coordinate: string, effect: FieldDecision['effect'] = 'ALLOW', mask: FieldDecision['mask'] = null): FieldDecision {
  return {
    coordinate,
    effect,
    rule: effect === 'DENY' ? 'DEFAULT_DENY' : 'GRANT',
    grantId: effect === 'DENY' ? null : '7',
    reason: effect === 'DENY' ? `no grant covers ${coordinate}` : 'granted',
    mask,
    neededGrant: effect === 'DENY' ? `a grant covering ${coordinate}` : null,
    scopeUnitCodes: null,
  };
}

/** Given what to change, returns a statement of an allowed land-registration read of one citizen. */
export function auditInput(overrides: Partial<AuditRecordInput> & { agency?: Agency } = {}): AuditRecordInput {
  const { agency = LAND_OFFICE, ...rest } = overrides;
  return {
    at: new Date('2026-03-01T08:00:00.000Z'),
    principal: { kind: 'AGENCY', agency, credentialId: 'k3y1d000', userId: 'officer.nguyen' },
    purpose: 'LAND_REGISTRATION',
    dossierId: 'HS-2026-0001',
    operationName: 'Owner',
    query: 'query Owner($id: ID!) { citizen(nationalId: $id) { fullName dateOfBirth } }',
    variables: { id: '038085001234' },
    fields: [decided('Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY'), decided('Citizen.fullName'), decided('Query.citizen')],
    citizenIds: ['038085001234'],
    rowCount: 1,
    outcome: 'ALLOWED',
    errorCode: null,
    latencyMs: 12,
    policyVersion: 4,
    ...rest,
  };
}

export interface AuditFixture {
  databases: TestDatabases;
  db: Knex;
  repository: AuditRepository;
  /** A fresh directory for checkpoints and the signing key. */
  directory: string;
  /** Given an instance (and what to change), returns the audit configuration of a gateway of that name. */
  config(instance: string, overrides?: Partial<AuditConfig>): AuditConfig;
  /** Given an instance, returns a started audit log for it. */
  startLog(instance: string, options?: AuditLogOptions & { config?: Partial<AuditConfig> }): Promise<AuditLog>;
  /** Given an instance (every one when left out), verifies the trail with the keys the fixture's gateways pinned. */
  verify(instance?: string, checkpointDirectory?: string, options?: Partial<VerifyOptions>): Promise<AuditVerification>;
  /**
   * Given an instance, writes the START checkpoint of an empty chain that a gateway writes before its first
   * record, signed with the fixture's key: for records a test writes to the database directly.
   */
  sealGenesis(instance: string, checkpointDirectory?: string): Promise<void>;
  destroy(): Promise<void>;
}

/** Returns a migrated gateway database and a checkpoint directory for one test file. */
export async function createAuditFixture(): Promise<AuditFixture> {
  const databases = await createTestDatabases();
  const db = databases.databases.gateway;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-'));
  const config = (instance: string, overrides: Partial<AuditConfig> = {}): AuditConfig => ({
    instance,
    checkpointDirectory: path.join(directory, 'checkpoints'),
    signingKeyFile: path.join(directory, 'keys', 'gateway-ed25519.pem'),
    trustedKeys: [],
    pinFile: path.join(directory, 'keys', 'audit-pins.json'),
    witnesses: [],
    graceMs: 30_000,
    verifierStateFile: path.join(directory, 'verifier', 'state.json'),
    checkpointIntervalMs: 60_000,
    batchDelayMs: 2,
    outbox: false,
    outboxDirectory: path.join(directory, 'outbox'),
    legacyJournalDirectory: path.join(directory, 'journal'),
    shipDelayMs: 2,
    writeIntervalMs: 2,
    retryMs: 50,
    deferredAgencies: [POLICE.code],
    deferralDays: 90,
    ...overrides,
  });
  const repository = new AuditRepository(db);
  // Logs a test left running are stopped at the end: their connections would keep the process alive.
  const logs: AuditLog[] = [];
  return {
    databases,
    db,
    repository,
    directory,
    config,
    async startLog(instance, options = {}) {
      const { config: overrides, ...logOptions } = options;
      const log = new AuditLog(db, config(instance, overrides), logOptions);
      logs.push(log);
      await log.start();
      return log;
    },
    verify: (instance, checkpointDirectory, options = {}) =>
      verifyAuditTrail({
        repository,
        checkpointDirectory: checkpointDirectory ?? config('any').checkpointDirectory,
        trustedKeys: pinnedTrust(config('any')).trustedKeys,
        checkpointIntervalMs: config('any').checkpointIntervalMs,
        graceMs: config('any').graceMs,
        instance: instance ?? null,
        ...options,
      }),
    async sealGenesis(instance, checkpointDirectory) {
      const key = trustedSigningKey(config(instance), true);
      const at = new Date().toISOString();
      await appendCheckpoint(
        checkpointDirectory ?? config(instance).checkpointDirectory,
        signCheckpoint({ instance, seq: 0, headHash: GENESIS_HASH, at, reason: 'START' }, key),
      );
    },
    async destroy() {
      await Promise.all(logs.map((log) => log.stop().catch(() => undefined)));
      await repository.close();
      await databases.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Given a log and a count, appends that many records one after the other, a second apart; returns their seqs. */
export async function appendRecords(log: AuditLog, count: number, start = '2026-03-01T08:00:00.000Z'): Promise<number[]> {
  const seqs: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = new Date(Date.parse(start) + index * 1000);
    const { seq } = await log.append(auditInput({ at, dossierId: `HS-${index}`, citizenIds: [`0380850${String(index).padStart(5, '0')}`] }));
    seqs.push(seq);
  }
  return seqs;
}

/** Given the database, an instance and a seq, returns that stored record. */
export async function storedRecord(db: Knex, instance: string, seq: number): Promise<AuditRecordRow> {
  const row = await new AuditRepository(db).recordAt(instance, seq);
  if (!row) throw new Error(`no record ${instance}:${seq}`);
  return row;
}

/** Given records' new seqs, moves them (highest first when moving up, so that no two share a key meanwhile). */
export async function renumber(db: Knex, instance: string, moves: Array<[from: number, to: number]>): Promise<void> {
  const parking = 1_000_000;
  for (const [from] of moves)
    await db('audit_records')
      .where({ instance, seq: from })
      .update({ seq: parking + from });
  for (const [from, to] of moves)
    await db('audit_records')
      .where({ instance, seq: parking + from })
      .update({ seq: to });
}

/** Given a record's columns, stores it with a hash that matches its content: a well-forged record. */
export async function insertForged(db: Knex, record: Omit<AuditRecordRow, 'hash'>): Promise<void> {
  await db('audit_records').insert({ ...record, hash: recordHash(record) });
}
