import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../common/config';
import { connect } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { AuditLog } from '../gateway/audit/auditLog';
import { AUDIT_TABLES } from '../gateway/audit/auditRepository';
import type { AuditRecordInput } from '../gateway/audit/types';
import type { FieldDecision } from '../gateway/policy/types';
import type { AuditFloor } from './results';
import { median } from './statistics';

/** Appends timed per record size by default, after as many unmeasured ones. */
const SAMPLES = 200;

/** The chain the measurement writes; its records are removed afterwards, since it is no gateway's. */
const FLOOR_INSTANCE = 'bench-audit-floor';

/** Citizens named by the larger record: Q4's five pages of 100 residents. */
export const FLOOR_MANY_CITIZENS = 500;

function allowed(coordinate: string): FieldDecision {
  return { coordinate, effect: 'ALLOW', rule: 'GRANT', grantId: 'bench', reason: 'granted', mask: null, neededGrant: null, scopeUnitCodes: null };
}

/** Given how many citizens it names, returns a record like those of a Q1 (one) or Q4 (500) request. */
function floorRecord(citizens: number): AuditRecordInput {
  return {
    at: new Date(),
    principal: { kind: 'AGENCY', agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false }, credentialId: 'bench', userId: 'bench' },
    purpose: 'LAND_REGISTRATION',
    dossierId: 'HS-BENCH',
    operationName: 'CitizenById',
    query: 'query CitizenById($nationalId: ID!) { citizen(nationalId: $nationalId) { nationalId fullName dateOfBirth sex } }',
    variables: { nationalId: '038085000001' },
    fields: ['Query.citizen', 'Citizen.nationalId', 'Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.sex'].map(allowed),
    citizenIds: Array.from({ length: citizens }, (_, index) => `038085${String(index + 1).padStart(6, '0')}`),
    rowCount: citizens,
    outcome: 'ALLOWED',
    errorCode: null,
    latencyMs: 1,
    policyVersion: 1,
  };
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
 * Given the bench's database configuration, measures on its gateway database, with no load running, what a lone
 * request's record costs before its answer may leave: a bare round trip; one append made durable by the
 * database (group commit of one record, as at c=1) naming one citizen and FLOOR_MANY_CITIZENS; and one made
 * durable on the gateway's local journal, which the database receives afterwards. This is the least the audit
 * can add to a request's latency at c=1 in each mode, whatever the gateway does around it.
 */
export async function measureAuditFloor(database: DatabaseConfig, samples = SAMPLES): Promise<AuditFloor> {
  const db = connect(database, 'gateway');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-audit-'));
  const instances = [FLOOR_INSTANCE, `${FLOOR_INSTANCE}-journal`];
  const logOf = (instance: string, journalDirectory: string | null) =>
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
      journalDirectory,
      shipDelayMs: 100,
      writeIntervalMs: 2,
      deferredAgencies: [],
      deferralDays: 0,
    });
  const logs = [logOf(instances[0]!, null), logOf(instances[1]!, path.join(directory, 'journal'))];
  const removeChains = async () => {
    // The index heads too: one left from an earlier run would stand above the new chain.
    for (const table of AUDIT_TABLES) await db(table).whereIn('instance', instances).delete();
  };
  try {
    await migrateLatest(db, 'gateway');
    await removeChains();
    for (const log of logs) await log.start();
    const [direct, journaled] = logs as [AuditLog, AuditLog];
    const roundTripMs = await medianMs(() => db.raw('select 1'), samples);
    const one = floorRecord(1);
    const many = floorRecord(FLOOR_MANY_CITIZENS);
    const appendOneCitizenMs = await medianMs(() => direct.append(one), samples);
    const appendManyCitizensMs = await medianMs(() => direct.append(many), samples);
    // The journal's write runs in this process (libuv's thread pool): its CPU, the kernel's part included, is the gateway's.
    const cpuBefore = process.cpuUsage();
    const journalAppendMs = await medianMs(() => journaled.append(one), samples);
    const cpu = process.cpuUsage(cpuBefore);
    const journalAppendCpuMs = (cpu.user + cpu.system) / 1000 / (2 * samples);
    return { samples, roundTripMs, appendOneCitizenMs, appendManyCitizensMs, manyCitizens: FLOOR_MANY_CITIZENS, journalAppendMs, journalAppendCpuMs };
  } finally {
    for (const log of logs) await log.stop();
    await removeChains();
    await db.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
