import { execFile } from 'node:child_process';
import path from 'node:path';
import { AuditTrail } from '../../gateway/audit/auditTrail';
import { readPins } from '../../gateway/audit/trustAnchor';
import { VerificationLog, verificationRunOf } from '../../gateway/audit/verificationLog';
import { verificationStatus } from '../../gateway/audit/verificationStatus';
import type { AuditVerification } from '../../gateway/audit/verify';
import { commandEnvironment } from '../helpers/database';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture } from './auditHelpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const HOUR_MS = 3_600_000;

const DAMAGED: AuditVerification = {
  sound: false,
  instances: [
    { instance: 'gw-a', records: 10, checkpoints: 2, lastCheckpointSeq: 10, unsealed: 0, accepted: null, problem: null },
    {
      instance: 'gw-b',
      records: 4,
      checkpoints: 1,
      lastCheckpointSeq: 3,
      unsealed: 1,
      accepted: null,
      problem: { instance: 'gw-b', seq: 5, kind: 'CHANGED', message: 'x'.repeat(5000) },
    },
  ],
  problems: ['witness http://witness.example: unreachable'],
};

describe("the audit verifier's recorded runs", () => {
  let fixture: AuditFixture;

  const verifyScript = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const audit = fixture.config('any');
    const env = commandEnvironment(fixture.databases.config, {
      AUDIT_DIRECTORY: audit.checkpointDirectory,
      AUDIT_SIGNING_KEY_FILE: audit.signingKeyFile,
      AUDIT_TRUSTED_KEYS: readPins(audit.pinFile).gatewayKeys.join(','),
      AUDIT_VERIFIER_STATE: path.join(fixture.directory, 'recorded-verifier', 'state.json'),
    });
    return new Promise((resolve) => {
      execFile(TSX, ['scripts/audit-verify.ts', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  };

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('keeps what a run found, its counts and who ran it, with each message bounded', () => {
    const run = verificationRunOf(DAMAGED, {
      startedAt: new Date('2026-03-01T01:00:00.000Z'),
      finishedAt: new Date('2026-03-01T01:00:05.000Z'),
      ranBy: 'cli:kiemtra',
      instance: null,
    });
    expect(run).toMatchObject({ sound: false, records: 14, checkpoints: 3, problemCount: 2, ranBy: 'cli:kiemtra', finishedAt: '2026-03-01T01:00:05.000Z' });
    expect(run.instances[1]!.problem).toMatchObject({ seq: 5, kind: 'CHANGED' });
    expect(run.instances[1]!.problem!.message).toHaveLength(2000);
    expect(run.instances[0]).not.toHaveProperty('accepted');
  });

  it('warns when the verifier never ran, when its last run failed, and when that run is older than the configured age', () => {
    const run = (sound: boolean, finishedAt: string) => ({
      ...verificationRunOf({ ...DAMAGED, sound }, { startedAt: new Date(finishedAt), finishedAt: new Date(finishedAt), ranBy: 'cli:a', instance: null }),
    });
    const now = new Date('2026-03-02T12:00:00.000Z');
    expect(verificationStatus(null, now, 24 * HOUR_MS)).toEqual({ last: null, ageMinutes: null, maxAgeHours: 24, warnings: ['NEVER_RUN'] });
    expect(verificationStatus(run(true, '2026-03-02T11:00:00.000Z'), now, 24 * HOUR_MS)).toMatchObject({ ageMinutes: 60, warnings: [] });
    expect(verificationStatus(run(true, '2026-03-01T11:59:00.000Z'), now, 24 * HOUR_MS).warnings).toEqual(['STALE']);
    expect(verificationStatus(run(true, '2026-03-02T11:00:00.000Z'), now, 0.5 * HOUR_MS).warnings).toEqual(['STALE']);
    expect(verificationStatus(run(false, '2026-03-01T00:00:00.000Z'), now, 24 * HOUR_MS).warnings).toEqual(['FAILED', 'STALE']);
  });

  it('records each run of npm run audit:verify in the gateway database, sound or not, and the console reads the last one', async () => {
    const trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [], deferralDays: 0, verifications: new VerificationLog(fixture.db) });
    expect((await trail.lastVerification()).warnings).toEqual(['NEVER_RUN']);

    const log = await fixture.startLog('gw-recorded');
    await appendRecords(log, 4);
    await log.stop();
    const sound = await verifyScript('--instance', 'gw-recorded');
    expect(sound.code).toBe(0);
    const first = await trail.lastVerification();
    expect(first).toMatchObject({ warnings: [], maxAgeHours: 24, ageMinutes: 0 });
    expect(first.last).toMatchObject({ sound: true, instance: 'gw-recorded', records: 4, problemCount: 0, ranBy: expect.stringMatching(/^cli:./) });
    expect(first.last!.instances).toEqual([expect.objectContaining({ instance: 'gw-recorded', records: 4, problem: null })]);

    await fixture.db('audit_records').where({ instance: 'gw-recorded', seq: 2 }).update({ dossier_id: 'HS-doi' });
    const damaged = await verifyScript('--instance', 'gw-recorded');
    expect(damaged.code).toBe(1);
    const second = await trail.lastVerification();
    expect(second.warnings).toEqual(['FAILED']);
    expect(second.last).toMatchObject({ sound: false, problemCount: 1 });
    expect(second.last!.instances[0]!.problem).toMatchObject({ seq: 2, kind: 'CHANGED' });
    expect(Number((await fixture.db('audit_verifications').count({ runs: '*' }))[0]!.runs)).toBe(2);
  }, 120_000);
});
