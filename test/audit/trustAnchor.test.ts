import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { WitnessEndpoint } from '../../common/config';
import { getLogger } from '../../common/logger';
import { publicKeyText } from '../../common/publicKeys';
import { AUDIT_TABLES } from '../../gateway/audit/auditRepository';
import { checkpointFile, loadOrCreateSigningKey, readCheckpoints, signCheckpoint, trustedKeysOf } from '../../gateway/audit/checkpoints';
import { recordHash } from '../../gateway/audit/hashChain';
import { pinnedTrust, readPins, trustedSigningKey } from '../../gateway/audit/trustAnchor';
import { nextVerifierState } from '../../gateway/audit/verifierState';
import type { AuditProblem } from '../../gateway/audit/verify';
import { WitnessClient } from '../../gateway/audit/witness/client';
import type { RunningWitness } from '../../gateway/audit/witness/server';
import { startWitness } from '../../gateway/audit/witness/server';
import { commandEnvironment } from '../helpers/database';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture, storedRecord } from './auditHelpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The attacks of an outside audit on what surrounds the hash chain: the checkpoint file, the signing key, the
 * database and the file rolled back together, an instance erased. Each is caught by the pinned keys, the
 * witness on another host, or the verifier's own memory.
 */
describe('audit trust anchor', () => {
  let fixture: AuditFixture;
  let witness: RunningWitness;
  let endpoint: WitnessEndpoint;

  const checkpointsOf = (instance: string) => checkpointFile(fixture.config(instance).checkpointDirectory, instance);
  const witnessed = (instance: string) => fixture.config(instance, { witnesses: [endpoint] });
  const witnessClients = () => [new WitnessClient(endpoint)];

  async function problemOf(instance: string, options: Parameters<AuditFixture['verify']>[2] = {}): Promise<AuditProblem | null> {
    const verification = await fixture.verify(instance, undefined, options);
    expect(verification.sound).toBe(verification.instances[0]!.problem === null && verification.problems.length === 0);
    return verification.instances[0]!.problem;
  }

  /** Given an instance, removes its records and index rows from the database, as one who holds the database would. */
  async function eraseRecords(instance: string, aboveSeq = 0): Promise<void> {
    for (const table of AUDIT_TABLES) {
      if (table === 'audit_index_heads') await fixture.db(table).where('instance', instance).update({ indexed_seq: aboveSeq });
      else await fixture.db(table).where('instance', instance).where('seq', '>', aboveSeq).delete();
    }
  }

  beforeAll(async () => {
    fixture = await createAuditFixture();
    // The gateway's key, made and pinned as a first start outside production does; the witness pins it too.
    const gatewayKey = trustedSigningKey(fixture.config('any'), true);
    witness = await startWitness({
      host: '127.0.0.1',
      port: 0,
      databaseFile: path.join(fixture.directory, 'witness', 'witness.sqlite'),
      key: loadOrCreateSigningKey(path.join(fixture.directory, 'witness', 'witness.pem'), true),
      trustedKeys: trustedKeysOf([publicKeyText(gatewayKey.publicKey)]),
      logger: getLogger('test'),
    });
    endpoint = { url: witness.url, publicKey: witness.publicKey };
  });

  afterAll(async () => {
    await fixture?.destroy();
    await witness?.stop();
  });

  it('sends every checkpoint to the witness, which holds the last one; the trail verifies against it', async () => {
    const log = await fixture.startLog('t-witnessed', { config: { witnesses: [endpoint] } });
    await appendRecords(log, 3);
    await log.checkpoint();
    await appendRecords(log, 2, '2026-03-01T09:00:00.000Z');
    await log.stop();
    const latest = await new WitnessClient(endpoint).latest('t-witnessed');
    expect(latest!.checkpoint).toMatchObject({ seq: 5, reason: 'STOP', headHash: (await storedRecord(fixture.db, 't-witnessed', 5)).hash });
    expect((await fixture.verify('t-witnessed', undefined, { witnesses: witnessClients() })).instances[0]).toMatchObject({
      records: 5,
      lastCheckpointSeq: 5,
      problem: null,
    });
  });

  describe('checkpoint file deleted, tail cut', () => {
    it('is an error to the verifier, never sound, and the next start refuses rather than seal the cut chain', async () => {
      const log = await fixture.startLog('t-no-file');
      await appendRecords(log, 5);
      await log.stop();
      fs.rmSync(checkpointsOf('t-no-file'));
      await eraseRecords('t-no-file', 3);
      expect(await problemOf('t-no-file')).toMatchObject({
        seq: null,
        kind: 'CHECKPOINT',
        message: expect.stringMatching(/is missing, yet the database holds records of instance t-no-file/),
      });
      await expect(fixture.startLog('t-no-file')).rejects.toThrow(/holds records up to seq 3, but .* holds no checkpoint: it was removed/);
      expect(fs.existsSync(checkpointsOf('t-no-file'))).toBe(false);
    });

    it("is caught at the witness even when the file is replaced by an empty chain's", async () => {
      const log = await fixture.startLog('t-no-file-witnessed', { config: { witnesses: [endpoint] } });
      await appendRecords(log, 5);
      await log.stop();
      fs.rmSync(checkpointsOf('t-no-file-witnessed'));
      await eraseRecords('t-no-file-witnessed', 3);
      await fixture.sealGenesis('t-no-file-witnessed');
      expect(await problemOf('t-no-file-witnessed', { witnesses: witnessClients() })).toMatchObject({
        seq: 4,
        kind: 'TRUNCATED',
        message: expect.stringMatching(/\(witness http:.*\), are missing/),
      });
      await expect(fixture.startLog('t-no-file-witnessed', { config: { witnesses: [endpoint] } })).rejects.toThrow(
        /\(witness http:.*\) sealed seq 5, but the database ends at seq 3/,
      );
    });
  });

  describe('database and checkpoints rolled back together', () => {
    /** Given an instance and a log configuration, writes 3 records, a checkpoint, 3 more and a stop, then restores both to the copy taken after the checkpoint. */
    async function rolledBack(instance: string, config = fixture.config(instance)): Promise<void> {
      const log = await fixture.startLog(instance, { config });
      await appendRecords(log, 3);
      await log.checkpoint();
      const copy = fs.readFileSync(checkpointsOf(instance));
      await appendRecords(log, 3, '2026-03-01T09:00:00.000Z');
      await log.stop();
      await eraseRecords(instance, 3);
      fs.writeFileSync(checkpointsOf(instance), copy);
    }

    it('is caught by the witness, at the verifier and at the next start', async () => {
      await rolledBack('t-rollback', witnessed('t-rollback'));
      expect(await problemOf('t-rollback')).toBeNull();
      expect(await problemOf('t-rollback', { witnesses: witnessClients() })).toMatchObject({
        seq: 4,
        kind: 'TRUNCATED',
        message: expect.stringMatching(/records 4..6, sealed by the checkpoint of .* \(witness http:.*\), are missing/),
      });
      await expect(fixture.startLog('t-rollback', { config: { witnesses: [endpoint] } })).rejects.toThrow(
        /\(witness http:.*\) sealed seq 6, but the database ends at seq 3/,
      );
    });

    it("is caught by the verifier's memory of the last checkpoint it accepted, with no witness", async () => {
      const log = await fixture.startLog('t-remembered');
      await appendRecords(log, 3);
      await log.checkpoint();
      const copy = fs.readFileSync(checkpointsOf('t-remembered'));
      await appendRecords(log, 3, '2026-03-01T09:00:00.000Z');
      await log.stop();
      const before = await fixture.verify('t-remembered');
      expect(before.sound).toBe(true);
      const accepted = nextVerifierState(new Map(), before);
      expect(accepted.get('t-remembered')).toMatchObject({ seq: 6, reason: 'STOP' });
      await eraseRecords('t-remembered', 3);
      fs.writeFileSync(checkpointsOf('t-remembered'), copy);
      expect(await problemOf('t-remembered', { accepted })).toMatchObject({
        seq: 4,
        kind: 'TRUNCATED',
        message: expect.stringMatching(/this verifier's last run/),
      });
      // A trail found damaged does not move the verifier's memory back.
      expect(nextVerifierState(accepted, await fixture.verify('t-remembered', undefined, { accepted })).get('t-remembered')).toMatchObject({ seq: 6 });
    });
  });

  describe('signing key beside the checkpoints', () => {
    /** Returns a new key pair written over the gateway's own key files: the key someone holding the host would put in place. */
    function replaceKeyPair() {
      const file = fixture.config('any').signingKeyFile;
      const saved = fs.readFileSync(file);
      fs.rmSync(file);
      fs.rmSync(file.replace(/\.pem$/, '.pub.pem'), { force: true });
      const replaced = loadOrCreateSigningKey(file, true);
      return { key: replaced, restore: () => fs.writeFileSync(file, saved) };
    }

    it('a chain rewritten and its checkpoints signed again with a new key pair put in its place is not sound, and the gateway does not start on it', async () => {
      const log = await fixture.startLog('t-resigned');
      await appendRecords(log, 4);
      await log.stop();
      const replaced = replaceKeyPair();
      try {
        // Record 4 rewritten, its hash computed again, and every checkpoint signed again over the new head.
        const fourth = await storedRecord(fixture.db, 't-resigned', 4);
        const { hash: _hash, ...content } = { ...fourth, agency_code: 'H56.99' };
        const hash = recordHash(content);
        await fixture.db('audit_records').where({ instance: 't-resigned', seq: 4 }).update({ agency_code: 'H56.99', hash });
        const lines = (await readCheckpoints(checkpointsOf('t-resigned'))).map(({ checkpoint }) => {
          const { signature: _signature, keyId: _keyId, ...head } = checkpoint!;
          return signCheckpoint({ ...head, headHash: head.seq === 4 ? hash : head.headHash }, replaced.key);
        });
        fs.writeFileSync(checkpointsOf('t-resigned'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
        expect(await problemOf('t-resigned')).toMatchObject({
          kind: 'CHECKPOINT',
          message: expect.stringMatching(new RegExp(`names key ${replaced.key.keyId}, which is not a trusted key`)),
        });
        await expect(fixture.startLog('t-resigned')).rejects.toThrow(new RegExp(`signing key .* \\(key ${replaced.key.keyId}\\) is not a trusted key`));
      } finally {
        replaced.restore();
      }
    });

    it('the start refuses a last checkpoint signed by a foreign key', async () => {
      const log = await fixture.startLog('t-foreign');
      await appendRecords(log, 2);
      await log.stop();
      const foreign = loadOrCreateSigningKey(path.join(fixture.directory, 'foreign', 'key.pem'), true);
      const head = await storedRecord(fixture.db, 't-foreign', 2);
      fs.appendFileSync(
        checkpointsOf('t-foreign'),
        `${JSON.stringify(signCheckpoint({ instance: 't-foreign', seq: 2, headHash: head.hash, at: new Date().toISOString(), reason: 'START' }, foreign))}\n`,
      );
      await expect(fixture.startLog('t-foreign')).rejects.toThrow(/the last checkpoint in .* is not signed by a trusted key: it names key/);
      expect(await problemOf('t-foreign')).toMatchObject({ kind: 'CHECKPOINT', message: expect.stringMatching(/not a trusted key/) });
    });

    it('the key is pinned outside the checkpoint directory, and a pinned key that is not the signing key stops the start', async () => {
      const config = fixture.config('any');
      expect(path.relative(config.checkpointDirectory, config.signingKeyFile).startsWith('..')).toBe(true);
      expect(path.relative(config.checkpointDirectory, config.pinFile!).startsWith('..')).toBe(true);
      expect(readPins(config.pinFile).gatewayKeys).toHaveLength(1);
      const other = loadOrCreateSigningKey(path.join(fixture.directory, 'other', 'key.pem'), true);
      await expect(fixture.startLog('t-pinned-other', { config: { trustedKeys: [publicKeyText(other.publicKey)] } })).rejects.toThrow(/is not a trusted key/);
      expect(pinnedTrust({ ...config, trustedKeys: [publicKeyText(other.publicKey)] }).trustedKeys.map((key) => key.keyId)).toEqual([other.keyId]);
      const damaged = path.join(fixture.directory, 'damaged-pins.json');
      fs.writeFileSync(damaged, '{"gatewayKeys": [1]}');
      expect(() => readPins(damaged)).toThrow(/is not a list of gateway keys and witnesses/);
    });

    it('the verifier takes no key from beside the data: with none pinned it refuses to say anything', async () => {
      const audit = fixture.config('any');
      const environment = commandEnvironment(fixture.databases.config, {
        AUDIT_DIRECTORY: audit.checkpointDirectory,
        AUDIT_SIGNING_KEY_FILE: audit.signingKeyFile,
        AUDIT_VERIFIER_STATE: path.join(fixture.directory, 'script-state.json'),
      });
      // The data directory of the script's configuration holds no pin file.
      environment.DATA_DIR = path.join(fixture.directory, 'elsewhere-data');
      const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(TSX, ['scripts/audit-verify.ts'], { cwd: ROOT, env: environment, timeout: 30_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
      expect(result).toEqual({ code: 1, stderr: expect.stringMatching(/No trusted key: set AUDIT_TRUSTED_KEYS/) });
    });
  });

  describe('an instance erased', () => {
    it("is reported from the witness's register, and from the verifier's memory", async () => {
      const log = await fixture.startLog('t-erased', { config: { witnesses: [endpoint] } });
      await appendRecords(log, 3);
      await log.stop();
      const accepted = nextVerifierState(new Map(), await fixture.verify('t-erased'));
      for (const table of AUDIT_TABLES) await fixture.db(table).where('instance', 't-erased').delete();
      fs.rmSync(checkpointsOf('t-erased'));
      const everything = await fixture.verify(undefined, undefined, { witnesses: witnessClients() });
      expect(everything.sound).toBe(false);
      expect(everything.instances.find((result) => result.instance === 't-erased')!.problem).toMatchObject({
        seq: 1,
        kind: 'ERASED',
        message: expect.stringMatching(/has no records, yet the checkpoint of .* \(witness http:.*\) sealed seq 3/),
      });
      expect(await problemOf('t-erased', { accepted })).toMatchObject({ kind: 'ERASED', message: expect.stringMatching(/this verifier's last run/) });
    });
  });

  describe('records left unsealed', () => {
    const late = { now: () => new Date(Date.now() + 60_000 + 30_000 + 5_000) };

    it('are reported once they wait longer than the checkpoint interval and the grace', async () => {
      const log = await fixture.startLog('t-unsealed');
      await appendRecords(log, 2);
      expect(await problemOf('t-unsealed')).toBeNull();
      expect(await problemOf('t-unsealed', late)).toMatchObject({
        seq: 1,
        kind: 'UNSEALED',
        message: expect.stringMatching(/records 1..2 have been sealed by no checkpoint for longer than/),
      });
      await log.stop();
    });

    it('are reported when their checkpoints never reached a witness', async () => {
      const down: WitnessEndpoint = { url: 'http://127.0.0.1:9', publicKey: witness.publicKey };
      const log = await fixture.startLog('t-unwitnessed', { config: { witnesses: [down] } });
      await appendRecords(log, 2);
      await log.stop();
      expect(await problemOf('t-unwitnessed')).toBeNull();
      expect(await problemOf('t-unwitnessed', { witnesses: witnessClients(), ...late })).toMatchObject({
        seq: 1,
        kind: 'UNSEALED',
        message: expect.stringMatching(/countersigned by no witness/),
      });
    });

    it('a witness that cannot be asked leaves the trail unverified', async () => {
      const verification = await fixture.verify('t-witnessed', undefined, {
        witnesses: [new WitnessClient({ url: 'http://127.0.0.1:9', publicKey: witness.publicKey }, 300)],
      });
      expect(verification).toMatchObject({ sound: false, problems: [expect.stringMatching(/cannot be reached.*cannot be compared with what it witnessed/)] });
    });
  });
});
