import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isMysql } from '../../db/connection';
import { ArchiveRefused, archiveAuditMonth } from '../../gateway/audit/archiveMonth';
import { ArchiveRepository } from '../../gateway/audit/archiveRepository';
import type { SignedArchiveManifest } from '../../gateway/audit/archives';
import { archiveFileProblems, crossArchives, manifestProblem, signArchiveManifest } from '../../gateway/audit/archives';
import { MONTHS_AHEAD, auditPartitions, monthAfter, monthOf, monthsBetween, partitionClauses, partitionName } from '../../gateway/audit/auditPartitions';
import type { CheckpointKey } from '../../gateway/audit/checkpoints';
import { keyIdOf } from '../../gateway/audit/checkpoints';
import { GENESIS_HASH } from '../../gateway/audit/hashChain';
import { readPins, trustedSigningKey } from '../../gateway/audit/trustAnchor';
import { commandEnvironment } from '../helpers/database';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture } from './auditHelpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const INSTANCE = 'gw-archive';
const current = monthOf(new Date());
const [older, old] = [monthAfter(current, -2), monthAfter(current, -1)];
const at = (month: string, day: number) => new Date(`${month}-${String(day).padStart(2, '0')}T10:00:00.000Z`);

/** A key no configuration pins. */
function strangerKey(): CheckpointKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * Given a fixture, writes the trail the tests archive: seqs 1-3 two months ago, sealed at a stop; 4-5 last month;
 * 6-7 this month. On MySQL the months get partitions of their own first, as a start in each month made them.
 */
async function writeTrail(fixture: AuditFixture): Promise<void> {
  if (isMysql(fixture.db)) {
    for (const table of ['audit_records', 'audit_citizens'])
      await fixture.db.raw(
        `alter table ?? partition by range columns (recorded_at) (${partitionClauses(monthsBetween(older, monthAfter(current, MONTHS_AHEAD)))})`,
        [table],
      );
  }
  const first = await fixture.startLog(INSTANCE);
  for (const day of [3, 4, 5]) await first.append(auditInput({ at: at(older, day), citizenIds: [`0380850000${day}0`] }));
  await first.stop();
  const second = await fixture.startLog(INSTANCE);
  for (const [month, day] of [
    [old, 10],
    [old, 11],
    [current, 1],
    [current, 1],
  ] as const)
    await second.append(auditInput({ at: at(month, day) }));
  await second.stop();
}

describe('archive manifests, whatever the engine', () => {
  const key = strangerKey();
  const manifest = signArchiveManifest(
    {
      instance: 'gw',
      month: '2026-01',
      firstSeq: 4,
      lastSeq: 6,
      startHash: 'a'.repeat(64),
      endHash: 'b'.repeat(64),
      records: 3,
      fileDigest: 'c'.repeat(64),
      // A tree of 6 leaves: its complete subtrees of 4 and of 2.
      treeFrontier: ['d'.repeat(64), 'e'.repeat(64)],
      archivedAt: '2026-02-01T00:00:00.000Z',
    },
    key,
  );
  const cross = (manifests: SignedArchiveManifest[], nextSeq: number | null, checkpointHash: string | null = null) =>
    crossArchives({
      manifests,
      trustedKeys: [key],
      expected: 4,
      previousHash: 'a'.repeat(64),
      nextSeq,
      checkpointsAt: (seq) =>
        seq === 6 && checkpointHash ? [{ instance: 'gw', seq, headHash: checkpointHash, at: 'then', reason: 'INTERVAL', keyId: '', signature: '' }] : [],
    });

  it('verifies only what a pinned key signed, unaltered, with a range that holds its count', () => {
    expect(manifestProblem(manifest, [key])).toBeNull();
    expect(manifestProblem(manifest, [strangerKey()])).toMatch(/not a trusted key/);
    expect(manifestProblem({ ...manifest, lastSeq: 7 }, [key])).toMatch(/signature does not verify/);
    const miscounted = signArchiveManifest({ ...manifest, records: 2 }, key);
    expect(manifestProblem(miscounted, [key])).toMatch(/does not hold its 2 record/);
    const shortFrontier = signArchiveManifest({ ...manifest, treeFrontier: ['d'.repeat(64)] }, key);
    expect(manifestProblem(shortFrontier, [key])).toMatch(/frontier is not that of a tree of 6 records/);
    expect(manifestProblem({ ...manifest, treeFrontier: ['e'.repeat(64), 'd'.repeat(64)] }, [key])).toMatch(/signature does not verify/);
  });

  it('crosses a gap the manifest covers exactly, and goes on from its end hash', () => {
    const crossed = { expected: 7, previousHash: 'b'.repeat(64), records: 3, treeFrontier: manifest.treeFrontier, problem: null };
    expect(cross([manifest], 7)).toEqual(crossed);
    expect(cross([manifest], null, 'b'.repeat(64))).toEqual(crossed);
  });

  it('stops short of a gap wider than the manifest, so that the rest is reported missing', () => {
    expect(cross([manifest], 9)).toMatchObject({ expected: 7, records: 3, problem: null });
    expect(cross([], 9)).toMatchObject({ expected: 4, records: 0, problem: null });
  });

  it('names a manifest that claims records the database holds, that starts from another chain, or that a checkpoint contradicts', () => {
    expect(cross([manifest], 6).problem).toEqual({ seq: 6, message: expect.stringMatching(/claims seq 6, which the database still holds/) });
    expect(
      crossArchives({ ...{ manifests: [manifest], trustedKeys: [key], nextSeq: 7, checkpointsAt: () => [] }, expected: 4, previousHash: 'f'.repeat(64) })
        .problem,
    ).toEqual({
      seq: 4,
      message: expect.stringMatching(/starts from another chain/),
    });
    expect(cross([manifest], 7, 'e'.repeat(64)).problem).toEqual({ seq: 6, message: expect.stringMatching(/ends on another hash than the checkpoint/) });
    expect(cross([{ ...manifest, endHash: 'd'.repeat(64) }], 7).problem?.message).toMatch(/signature does not verify/);
  });
});

describe('archiving audit months', () => {
  let fixture: AuditFixture;
  let key: CheckpointKey;
  let repository: ArchiveRepository;
  const files: Record<string, string> = {};
  const verify = async (archives?: readonly SignedArchiveManifest[]) =>
    (await fixture.verify(INSTANCE, undefined, { archives: archives ?? (await repository.manifests()) })).instances[0]!;

  beforeAll(async () => {
    fixture = await createAuditFixture();
    repository = new ArchiveRepository(fixture.db);
    key = trustedSigningKey(fixture.config(INSTANCE), true);
    await writeTrail(fixture);
    for (const month of [older, old]) files[month] = path.join(fixture.directory, `audit-${month}.jsonl`);
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('refuses a month that is not over, an archive file that exists, and a malformed month, writing nothing', async () => {
    await expect(archiveAuditMonth(fixture.db, { month: current, file: path.join(fixture.directory, 'now.jsonl'), key })).rejects.toThrow(ArchiveRefused);
    fs.writeFileSync(path.join(fixture.directory, 'taken.jsonl'), 'x');
    await expect(archiveAuditMonth(fixture.db, { month: older, file: path.join(fixture.directory, 'taken.jsonl'), key })).rejects.toThrow(/never overwritten/);
    await expect(archiveAuditMonth(fixture.db, { month: '2026-1', file: path.join(fixture.directory, 'bad.jsonl'), key })).rejects.toThrow(/YYYY-MM/);
    // A record changed in the month: archiving would seal it, so it refuses.
    await fixture.db('audit_records').where({ instance: INSTANCE, seq: 2 }).update({ row_count: 9 });
    await expect(archiveAuditMonth(fixture.db, { month: older, file: files[older]!, key })).rejects.toThrow(/record gw-archive:2 does not follow its chain/);
    await fixture.db('audit_records').where({ instance: INSTANCE, seq: 2 }).update({ row_count: 1 });
    expect(fs.existsSync(files[older]!)).toBe(false);
    expect(fs.existsSync(path.join(fixture.directory, 'now.jsonl'))).toBe(false);
    expect(await repository.manifests()).toEqual([]);
    expect(await verify()).toMatchObject({ records: 7, problem: null });
  });

  it('archives a month: a signed manifest per instance, its records out of the database, and the chain still verifies across it', async () => {
    const archived = await archiveAuditMonth(fixture.db, { month: older, file: files[older]!, key });
    expect(archived.manifests).toEqual([
      expect.objectContaining({
        instance: INSTANCE,
        month: older,
        firstSeq: 1,
        lastSeq: 3,
        records: 3,
        startHash: GENESIS_HASH,
        fileDigest: archived.fileDigest,
      }),
    ]);
    expect(manifestProblem(archived.manifests[0]!, [key])).toBeNull();
    expect(await repository.manifests()).toEqual(archived.manifests);
    expect(await fixture.db('audit_records').where('instance', INSTANCE).pluck('seq')).toEqual([4, 5, 6, 7]);
    expect(await fixture.db('audit_citizens').where('instance', INSTANCE).where('seq', '<=', 3).count({ n: '*' }).first()).toEqual({ n: 0 });
    // The file: a header, then the three records.
    expect(fs.readFileSync(files[older]!, 'utf8').trim().split('\n')).toHaveLength(4);
    if (isMysql(fixture.db)) expect((await auditPartitions(fixture.db)).map((partition) => partition.name)).not.toContain(partitionName(older));

    expect(await verify()).toMatchObject({ records: 4, archived: 3, problem: null });
    // Without its manifest, the month is what it was before: records missing.
    expect((await verify([])).problem).toMatchObject({ seq: 1, kind: 'DELETED' });
  });

  it('crosses two archived months in a row, and refuses to archive a month twice', async () => {
    await archiveAuditMonth(fixture.db, { month: old, file: files[old]!, key });
    expect(await verify()).toMatchObject({ records: 2, archived: 5, problem: null });
    await expect(archiveAuditMonth(fixture.db, { month: old, file: path.join(fixture.directory, 'again.jsonl'), key })).rejects.toThrow(
      isMysql(fixture.db) ? /no partition/ : /archived already/,
    );
  });

  it('still reports records missing outside the archived ranges, and a manifest that does not match', async () => {
    const manifests = await repository.manifests();
    const [first, second] = manifests;
    // Signed with the gateway's own key, yet another tree: the signed tree heads after it tell.
    const { keyId: _keyId, signature: _signature, ...unsigned } = first!;
    const forgedTree = signArchiveManifest({ ...unsigned, treeFrontier: unsigned.treeFrontier.map(() => 'f'.repeat(64)) }, key);
    expect((await verify([forgedTree, second!])).problem).toMatchObject({ kind: 'TREE', message: expect.stringMatching(/Merkle tree of records 1\.\.3/) });
    // Only the first month's manifest: seqs 4 and 5 are missing.
    expect((await verify([first!])).problem).toMatchObject({ seq: 4, kind: 'DELETED', message: expect.stringMatching(/records 4\.\.5 are missing/) });
    expect((await verify([{ ...first!, endHash: second!.endHash }, second!])).problem).toMatchObject({
      seq: 1,
      kind: 'ARCHIVE',
      message: expect.stringMatching(/signature does not verify/),
    });
    expect((await verify([signArchiveManifest(first!, strangerKey()), second!])).problem).toMatchObject({
      seq: 1,
      kind: 'ARCHIVE',
      message: expect.stringMatching(/not a trusted key/),
    });
    // A manifest that says the database's records were archived too.
    const greedy = signArchiveManifest({ ...second!, lastSeq: 6, records: 3 }, key);
    expect((await verify([first!, greedy])).problem).toMatchObject({ seq: 6, kind: 'ARCHIVE', message: expect.stringMatching(/claims seq 6/) });
    // A manifest altered in the database.
    await fixture.db('audit_archives').where({ instance: INSTANCE, month: old }).update({ record_count: 1, last_seq: 4 });
    expect((await verify()).problem).toMatchObject({ seq: 4, kind: 'ARCHIVE' });
    await fixture.db('audit_archives').where({ instance: INSTANCE, month: old }).update({ record_count: second!.records, last_seq: second!.lastSeq });
    expect(await verify()).toMatchObject({ problem: null });
  });

  it('checks an archive file against the digest its manifest signed', async () => {
    const manifests = await repository.manifests();
    expect(await archiveFileProblems([files[older]!, files[old]!], manifests)).toEqual([]);
    const altered = path.join(fixture.directory, 'altered.jsonl');
    fs.writeFileSync(altered, fs.readFileSync(files[older]!, 'utf8').replace('"row_count":1', '"row_count":2'));
    expect(await archiveFileProblems([altered], manifests)).toEqual([expect.stringMatching(/does not match the digest its manifest of .* signed/)]);
    const otherMonth = path.join(fixture.directory, 'other-month.jsonl');
    fs.writeFileSync(otherMonth, `${JSON.stringify({ format: 'dsp-audit-archive/v1', month: '2020-01' })}\n`);
    expect(await archiveFileProblems([otherMonth, path.join(fixture.directory, 'taken.jsonl'), path.join(fixture.directory, 'gone.jsonl')], manifests)).toEqual(
      [
        expect.stringMatching(/holds 2020-01, for which the database has no archive manifest/),
        expect.stringMatching(/is not an audit archive/),
        expect.stringMatching(/cannot be read: ENOENT/),
      ],
    );
  });

  it('reports a record deleted after the archived months', async () => {
    await fixture.db('audit_citizens').where({ instance: INSTANCE, seq: 6 }).delete();
    await fixture.db('audit_records').where({ instance: INSTANCE, seq: 6 }).delete();
    expect((await verify()).problem).toMatchObject({ seq: 6, kind: 'DELETED' });
  });
});

describe('npm run audit:archive, then npm run audit:verify -- --archive', () => {
  let fixture: AuditFixture;
  const script = (name: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const audit = fixture.config(INSTANCE);
      const env = commandEnvironment(fixture.databases.config, {
        AUDIT_DIRECTORY: audit.checkpointDirectory,
        AUDIT_SIGNING_KEY_FILE: audit.signingKeyFile,
        AUDIT_TRUSTED_KEYS: readPins(audit.pinFile).gatewayKeys.join(','),
        AUDIT_VERIFIER_STATE: path.join(fixture.directory, 'verifier', 'state.json'),
      });
      execFile(TSX, [`scripts/${name}`, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    fixture = await createAuditFixture();
    trustedSigningKey(fixture.config(INSTANCE), true);
    await writeTrail(fixture);
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('archives a month with the gateway key, verifies the trail across it and the file against its manifest', async () => {
    const file = path.join(fixture.directory, `audit-${older}.jsonl`);
    const archived = await script('audit-archive.ts', '--month', older, '--out', file);
    expect(archived).toMatchObject({ code: 0, stderr: '' });
    expect(archived.stdout).toContain(`instance ${INSTANCE}: seqs 1..3, 3 record(s)`);
    expect(await script('audit-archive.ts', '--month', older, '--out', `${file}.again`)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^Refused: /),
    });

    const sound = await script('audit-verify.ts', '--instance', INSTANCE, '--archive', file);
    expect(sound).toMatchObject({ code: 0, stderr: '' });
    expect(sound.stdout).toMatch(/4 sound record\(s\) \(and 3 archived, crossed on their manifests\)/);

    fs.appendFileSync(file, '{}\n');
    const altered = await script('audit-verify.ts', '--instance', INSTANCE, '--archive', file);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(/NOT VERIFIED: archive file .* does not match the digest its manifest of/);
  });
});
