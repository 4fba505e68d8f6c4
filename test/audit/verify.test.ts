import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../../common/config';
import { AuditLog } from '../../gateway/audit/auditLog';
import { checkpointFile } from '../../gateway/audit/checkpoints';
import { readPins } from '../../gateway/audit/trustAnchor';
import type { AuditProblem } from '../../gateway/audit/verify';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture, insertForged, renumber, storedRecord } from './auditHelpers';
import { commandEnvironment } from '../helpers/database';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

describe('audit trail verification', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  /** Given an instance, writes a sealed chain of that many records (stopped cleanly: a STOP checkpoint seals them all). */
  async function sealedChain(instance: string, count = 10): Promise<void> {
    const log = await fixture.startLog(instance);
    await appendRecords(log, count);
    await log.stop();
  }

  async function firstProblem(instance: string): Promise<AuditProblem | null> {
    const verification = await fixture.verify(instance);
    expect(verification.sound).toBe(verification.instances[0]!.problem === null);
    return verification.instances[0]!.problem;
  }

  it('finds a sealed chain sound', async () => {
    await sealedChain('v-sound');
    expect(await fixture.verify('v-sound')).toEqual({
      sound: true,
      instances: [
        {
          instance: 'v-sound',
          records: 10,
          checkpoints: 2,
          lastCheckpointSeq: 10,
          unsealed: 0,
          accepted: expect.objectContaining({ seq: 10, reason: 'STOP' }),
          problem: null,
        },
      ],
      problems: [],
    });
  });

  it('names a record whose field was changed', async () => {
    await sealedChain('v-changed');
    await fixture.db('audit_records').where({ instance: 'v-changed', seq: 5 }).update({ purpose: 'STATISTICS' });
    expect(await firstProblem('v-changed')).toMatchObject({
      instance: 'v-changed',
      seq: 5,
      kind: 'CHANGED',
      message: expect.stringMatching(/content of record 5 does not match its hash/),
    });
  });

  it('names a record whose field was changed and its hash computed again', async () => {
    await sealedChain('v-rehashed');
    const record = await storedRecord(fixture.db, 'v-rehashed', 5);
    await fixture.db('audit_records').where({ instance: 'v-rehashed', seq: 5 }).delete();
    const { hash: _hash, ...content } = record;
    await insertForged(fixture.db, { ...content, agency_code: 'H56.99' });
    expect(await firstProblem('v-rehashed')).toMatchObject({
      seq: 5,
      kind: 'CHANGED',
      message: expect.stringMatching(/record 5 was changed and its hash rewritten/),
    });
  });

  it('names a deleted record', async () => {
    await sealedChain('v-deleted');
    await fixture.db('audit_records').where({ instance: 'v-deleted', seq: 4 }).delete();
    expect(await firstProblem('v-deleted')).toMatchObject({ seq: 4, kind: 'DELETED', message: expect.stringMatching(/record 4 is missing/) });
  });

  it('names a deleted record when the ones after it were renumbered to close the gap', async () => {
    await sealedChain('v-closed');
    await fixture.db('audit_records').where({ instance: 'v-closed', seq: 4 }).delete();
    await renumber(
      fixture.db,
      'v-closed',
      Array.from({ length: 6 }, (_, index): [number, number] => [index + 5, index + 4]),
    );
    expect(await firstProblem('v-closed')).toMatchObject({
      seq: 4,
      kind: 'DELETED',
      message: expect.stringMatching(/written as seq 5: 1 record\(s\) before it were deleted/),
    });
  });

  it('names an inserted record, even one whose hash and link were forged', async () => {
    await sealedChain('v-inserted');
    await renumber(
      fixture.db,
      'v-inserted',
      Array.from({ length: 5 }, (_, index): [number, number] => [10 - index, 11 - index]),
    );
    const before = await storedRecord(fixture.db, 'v-inserted', 5);
    const { hash: _hash, ...content } = before;
    await insertForged(fixture.db, { ...content, seq: 6, previous_hash: before.hash, agency_code: 'H56.77', recorded_at: '2026-03-01T08:00:04.500Z' });
    expect(await firstProblem('v-inserted')).toMatchObject({ seq: 6, kind: 'INSERTED' });
  });

  it('names records added after the gateway stopped', async () => {
    await sealedChain('v-appended');
    const last = await storedRecord(fixture.db, 'v-appended', 10);
    const { hash: _hash, ...content } = last;
    await insertForged(fixture.db, { ...content, seq: 11, previous_hash: last.hash });
    expect(await firstProblem('v-appended')).toMatchObject({ seq: 11, kind: 'INSERTED', message: expect.stringMatching(/added while it was stopped/) });
  });

  it('names records that were reordered', async () => {
    await sealedChain('v-reordered');
    await renumber(fixture.db, 'v-reordered', [
      [6, 7],
      [7, 6],
    ]);
    expect(await firstProblem('v-reordered')).toMatchObject({ seq: 6, kind: 'REORDERED' });
  });

  it('names the first missing record of a truncated tail', async () => {
    await sealedChain('v-truncated');
    await fixture.db('audit_records').where('instance', 'v-truncated').where('seq', '>', 7).delete();
    expect(await firstProblem('v-truncated')).toMatchObject({
      seq: 8,
      kind: 'TRUNCATED',
      message: expect.stringMatching(/records 8..10, sealed by the checkpoint of .*, are missing/),
    });
  });

  it('catches a database rolled back to an earlier state, and a chain written again on top of it', async () => {
    const log = await fixture.startLog('v-rollback');
    await appendRecords(log, 6);
    await log.checkpoint();
    // The backup: the state of the database at seq 6.
    const backup = await fixture.db('audit_records').where('instance', 'v-rollback').orderBy('seq');
    await appendRecords(log, 3, '2026-03-02T08:00:00.000Z');
    await log.stop();

    await fixture.db('audit_records').where('instance', 'v-rollback').delete();
    await fixture.db('audit_records').insert(backup);
    await fixture.db('audit_citizens').where('instance', 'v-rollback').where('seq', '>', 6).delete();
    expect(await firstProblem('v-rollback')).toMatchObject({ seq: 7, kind: 'TRUNCATED' });
    await expect(fixture.startLog('v-rollback')).rejects.toThrow(/cannot be continued: the checkpoint of .* sealed seq 9, but the database ends at seq 6/);

    // A gateway that kept its checkpoints elsewhere writes seqs 7..9 again: the chain holds, the checkpoints do not.
    await fixture.sealGenesis('v-rollback', path.join(fixture.directory, 'elsewhere'));
    const elsewhere = new AuditLog(fixture.db, fixture.config('v-rollback', { checkpointDirectory: path.join(fixture.directory, 'elsewhere') }));
    await elsewhere.start();
    await appendRecords(elsewhere, 3, '2026-03-03T08:00:00.000Z');
    await elsewhere.stop();
    expect(await firstProblem('v-rollback')).toMatchObject({
      seq: 7,
      kind: 'REWRITTEN',
      message: expect.stringMatching(/record 9 is not the one the checkpoint of .* sealed/),
    });
  });

  it('names a checkpoint whose content was altered', async () => {
    await sealedChain('v-checkpoint');
    const file = checkpointFile(fixture.config('v-checkpoint').checkpointDirectory, 'v-checkpoint');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!);
    lines[lines.length - 1] = JSON.stringify({ ...last, seq: 8 });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    expect(await firstProblem('v-checkpoint')).toMatchObject({ seq: 8, kind: 'CHECKPOINT', message: expect.stringMatching(/signature does not verify/) });
  });

  it('names a record whose citizen index row was removed, which would hide the access from the citizen', async () => {
    await sealedChain('v-index');
    await fixture.db('audit_citizens').where({ instance: 'v-index', seq: 3 }).delete();
    expect(await firstProblem('v-index')).toMatchObject({ seq: 3, kind: 'INDEX' });
  });

  it('takes records above the index head without index rows as not indexed yet within the grace only, and names one whose rows are partly there', async () => {
    await sealedChain('v-index-head', 5);
    // Records 4 and 5 (08:00:03 and 08:00:04) without their rows and the head lowered below them: as if the gateway had
    // stopped before indexing them, or someone hid them so. Their field set stays, since records 1 to 3 name it too.
    await fixture.db('audit_citizens').where('instance', 'v-index-head').where('seq', '>', 3).delete();
    await fixture.db('audit_index_heads').where('instance', 'v-index-head').update({ indexed_seq: 3 });
    const withinGrace = { now: () => new Date('2026-03-01T08:00:20.000Z') };
    expect((await fixture.verify('v-index-head', undefined, withinGrace)).instances[0]!.problem).toBeNull();
    // Past the grace, a record left unindexed is reported: the citizen's tracker would not find it.
    expect(await firstProblem('v-index-head')).toMatchObject({
      seq: 4,
      kind: 'INDEX',
      message: expect.stringMatching(/record 4 .* has no index rows, and the index head stands at seq 3/),
    });
    const { recorded_at } = await fixture.db('audit_records').where({ instance: 'v-index-head', seq: 5 }).first('recorded_at');
    await fixture.db('audit_citizens').insert({ national_id: '038085009999', instance: 'v-index-head', seq: 5, recorded_at });
    expect((await fixture.verify('v-index-head', undefined, withinGrace)).instances[0]!.problem).toMatchObject({ seq: 5, kind: 'INDEX' });
  });

  it("names a citizen's index rows removed with the index head lowered below them, even within the grace", async () => {
    await sealedChain('v-index-hidden', 5);
    // The rows of record 2 removed and the head lowered to 1, records 3 to 5 still indexed: the citizen no longer sees record 2.
    await fixture.db('audit_citizens').where({ instance: 'v-index-hidden', seq: 2 }).delete();
    await fixture.db('audit_index_heads').where('instance', 'v-index-hidden').update({ indexed_seq: 1 });
    const withinGrace = { now: () => new Date('2026-03-01T08:00:05.000Z') };
    expect((await fixture.verify('v-index-hidden', undefined, withinGrace)).instances[0]!.problem).toMatchObject({
      seq: 2,
      kind: 'INDEX',
      message: expect.stringMatching(/record 2 has no index rows, yet record 3 after it has/),
    });
    expect(await firstProblem('v-index-hidden')).toMatchObject({ seq: 2, kind: 'INDEX' });
  });

  it('names the first record of a field set whose rows were changed, and a record made to name another set', async () => {
    await sealedChain('v-field-set', 4);
    const { field_set } = await fixture.db('audit_records').where({ instance: 'v-field-set', seq: 1 }).first('field_set');
    // Unmasked in the index: a steward counting masked reads would miss them.
    await fixture.db('audit_field_sets').where({ set_hash: field_set, coordinate: 'Citizen.dateOfBirth' }).update({ effect: 'ALLOW' });
    expect(await firstProblem('v-field-set')).toMatchObject({ seq: 1, kind: 'INDEX' });
    await fixture.db('audit_field_sets').where({ set_hash: field_set, coordinate: 'Citizen.dateOfBirth' }).update({ effect: 'MASK' });
    expect(await firstProblem('v-field-set')).toBeNull();
    // Record 3 made to name a set without Citizen.dateOfBirth: a steward asking who read it would not find record 3.
    await fixture.db('audit_field_sets').insert({ set_hash: 'f'.repeat(64), coordinate: 'Query.citizen', effect: 'ALLOW' });
    await fixture
      .db('audit_records')
      .where({ instance: 'v-field-set', seq: 3 })
      .update({ field_set: 'f'.repeat(64) });
    expect(await firstProblem('v-field-set')).toMatchObject({ seq: 3, kind: 'INDEX' });
  });

  it('names an index head that stands above its chain, which a gateway would leave new records unindexed under', async () => {
    await sealedChain('v-index-above', 3);
    await fixture.db('audit_index_heads').where('instance', 'v-index-above').update({ indexed_seq: 9 });
    expect(await firstProblem('v-index-above')).toMatchObject({
      seq: 4,
      kind: 'INDEX',
      message: expect.stringMatching(/index head stands at seq 9, above the chain's last record \(seq 3\)/),
    });
    // A gateway that starts on it lowers it.
    await (await fixture.startLog('v-index-above')).stop();
    expect(await firstProblem('v-index-above')).toBeNull();
  });

  it('reports records after the last checkpoint of a running gateway as unsealed, not as damage', async () => {
    const log = await fixture.startLog('v-running');
    await appendRecords(log, 3);
    expect((await fixture.verify('v-running')).instances[0]).toMatchObject({ records: 3, lastCheckpointSeq: 0, unsealed: 3, problem: null });
    await log.stop();
  });

  describe('npm run audit:verify', () => {
    /** Given the test's database configuration, returns the environment that points the script at it. */
    function environmentFor(database: DatabaseConfig): NodeJS.ProcessEnv {
      const audit = fixture.config('any');
      return commandEnvironment(database, {
        AUDIT_DIRECTORY: audit.checkpointDirectory,
        AUDIT_SIGNING_KEY_FILE: audit.signingKeyFile,
        AUDIT_TRUSTED_KEYS: readPins(audit.pinFile).gatewayKeys.join(','),
        AUDIT_VERIFIER_STATE: path.join(fixture.directory, 'script-verifier', 'state.json'),
      });
    }

    const verifyScript = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(
          TSX,
          ['scripts/audit-verify.ts', ...args],
          { cwd: ROOT, env: environmentFor(fixture.databases.config), timeout: 30_000 },
          (error, stdout, stderr) => {
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
      });

    it('exits 0 for a sound instance and 1 naming the first bad record of a damaged one', async () => {
      const sound = await verifyScript('--instance', 'v-sound');
      expect(sound).toMatchObject({ code: 0, stderr: '' });
      expect(sound.stdout).toMatch(/instance v-sound: 10 sound record\(s\), 2 checkpoint\(s\) up to seq 10: sound/);

      const damaged = await verifyScript('--instance', 'v-changed');
      expect(damaged.code).toBe(1);
      expect(damaged.stdout).toMatch(/FIRST BAD RECORD: instance v-changed seq 5 \(CHANGED\)/);

      const everything = await verifyScript('--json');
      expect(everything.code).toBe(1);
      const report = JSON.parse(everything.stdout);
      expect(report.instances.find((result: { instance: string }) => result.instance === 'v-truncated').problem).toMatchObject({ seq: 8, kind: 'TRUNCATED' });

      expect((await verifyScript('--bogus')).code).toBe(2);
    });

    it('remembers, in its own state file, the last checkpoint it accepted of each sound instance', async () => {
      const state = JSON.parse(fs.readFileSync(path.join(fixture.directory, 'script-verifier', 'state.json'), 'utf8'));
      expect(state.instances['v-sound']).toMatchObject({ instance: 'v-sound', seq: 10, reason: 'STOP' });
      expect(state.instances['v-changed']).toBeUndefined();
    });
  });
});
