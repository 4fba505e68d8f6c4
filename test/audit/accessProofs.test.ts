import { execFile } from 'node:child_process';
import path from 'node:path';
import { startHttpServer } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import type { AuditConfig } from '../../common/config';
import { AccessProofs, proofTrustOf } from '../../gateway/audit/accessProofs';
import type { AuditLog } from '../../gateway/audit/auditLog';
import { AuditTrail } from '../../gateway/audit/auditTrail';
import type { CitizenAccess } from '../../gateway/audit/auditTrail';
import { AuditTree } from '../../gateway/audit/auditTree';
import { createCitizenRoute } from '../../gateway/audit/citizenRoute';
import { appendCheckpoint, loadOrCreateSigningKey, signCheckpoint } from '../../gateway/audit/checkpoints';
import { leafHash, treeHash } from '../../gateway/audit/merkle';
import type { AccessProof, ProofTrust } from '../../gateway/audit/proofCheck';
import { citizenLeafText, verifyAccessProof } from '../../gateway/audit/proofCheck';
import { recordLeafHash } from '../../gateway/audit/recordLeaf';
import { TreeRepository } from '../../gateway/audit/treeRepository';
import { pinnedTrust, readPins, trustedSigningKey } from '../../gateway/audit/trustAnchor';
import { writeVerifierState } from '../../gateway/audit/verifierState';
import type { RunningWitness } from '../../gateway/audit/witness/server';
import { startWitness } from '../../gateway/audit/witness/server';
import { commandEnvironment } from '../helpers/database';
import { postGraphQL } from '../helpers/graphql';
import type { AuditFixture } from './auditHelpers';
import { HOSPITAL, auditInput, createAuditFixture, storedRecord } from './auditHelpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const AN = '038085000001';
const BINH = '038190000002';
const CHI = '038301000003';
const INSTANCE = 'gw-proof';

describe("inclusion proofs of a citizen's accesses", () => {
  let fixture: AuditFixture;
  let witness: RunningWitness;
  let config: AuditConfig;
  let log: AuditLog;
  let trail: AuditTrail;
  let trust: ProofTrust;

  const accessesOf = async (nationalId: string): Promise<CitizenAccess[]> => (await trail.citizenAccess(nationalId, { first: 50 })).nodes;
  const accessAt = async (nationalId: string, seq: number) => (await accessesOf(nationalId)).find((access) => access.reference === `${INSTANCE}:${seq}`)!;
  const check = (access: CitizenAccess, nationalId: string, proof: AccessProof = access.proof!) => verifyAccessProof(access, nationalId, proof, trust);

  const verifyScript = (...args: string[]): Promise<{ code: number; stdout: string }> =>
    new Promise((resolve) => {
      const environment = commandEnvironment(fixture.databases.config, {
        AUDIT_DIRECTORY: config.checkpointDirectory,
        AUDIT_SIGNING_KEY_FILE: config.signingKeyFile,
        AUDIT_TRUSTED_KEYS: readPins(config.pinFile).gatewayKeys.join(','),
        AUDIT_WITNESS_URLS: witness.url,
        AUDIT_WITNESS_KEYS: witness.publicKey,
      });
      execFile(TSX, ['scripts/audit-verify.ts', ...args], { cwd: ROOT, env: environment, timeout: 30_000 }, (error, stdout) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });

  beforeAll(async () => {
    fixture = await createAuditFixture();
    trustedSigningKey(fixture.config(INSTANCE), true);
    witness = await startWitness({
      host: '127.0.0.1',
      port: 0,
      databaseFile: path.join(fixture.directory, 'witness', 'witness.sqlite'),
      key: loadOrCreateSigningKey(path.join(fixture.directory, 'witness', 'key.pem'), true),
      trustedKeys: pinnedTrust(fixture.config(INSTANCE)).trustedKeys,
      logger: getLogger('test'),
    });
    config = fixture.config(INSTANCE, { witnesses: [{ url: witness.url, publicKey: witness.publicKey }] });
    log = await fixture.startLog(INSTANCE, { config: { witnesses: config.witnesses } });
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 9, minute));
    // 1: An alone; 2: An and Binh in one answer; 3: Binh and Chi; 4..9: An again; 10: Chi.
    await log.append(auditInput({ at: at(1), citizenIds: [AN], dossierId: 'HS-1' }));
    await log.append(auditInput({ agency: HOSPITAL, at: at(2), citizenIds: [AN, BINH], purpose: 'MEDICAL_TREATMENT', dossierId: 'BA-2' }));
    await log.append(auditInput({ at: at(3), citizenIds: [BINH, CHI], dossierId: 'HS-3' }));
    for (let minute = 4; minute <= 9; minute += 1) await log.append(auditInput({ at: at(minute), citizenIds: [AN], dossierId: `HS-${minute}` }));
    await log.append(auditInput({ at: at(10), citizenIds: [CHI], dossierId: 'HS-10' }));
    await log.indexed();
    await log.checkpoint('INTERVAL');
    trust = proofTrustOf(config);
    trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [], deferralDays: 0, proofs: new AccessProofs(fixture.db, () => trust) });
  });

  afterAll(async () => {
    await fixture?.destroy();
    await witness?.stop();
  });

  it('signs the tree head of every record with the checkpoint, which the witness countersigns with it', async () => {
    const { latest } = await new TreeRepository(fixture.db).provingHeads(INSTANCE);
    expect(latest!.checkpoint).toMatchObject({ seq: 10, treeSize: 10 });
    expect(latest!.cosignatures).toHaveLength(1);
    const leaves = await Promise.all(Array.from({ length: 10 }, async (_, index) => recordLeafHash(await storedRecord(fixture.db, INSTANCE, index + 1))));
    expect(latest!.checkpoint.treeRoot).toBe(treeHash(leaves).toString('hex'));
    expect((await fixture.verify(INSTANCE, undefined, { witnesses: [] })).sound).toBe(true);
  });

  it('gives each access a proof that verifies against the pinned keys and the witness, with about log2(n) hashes', async () => {
    const accesses = await accessesOf(AN);
    expect(accesses).toHaveLength(8);
    for (const access of accesses) {
      expect(access.proof!.path.length).toBeLessThanOrEqual(4);
      expect(await check(access, AN)).toMatchObject({ verified: true, treeSize: 10, witnesses: 1 });
    }
    expect(trust.witnessKeys).toEqual([witness.publicKey]);
  });

  it("never holds another citizen's ID, nor what would let one be guessed, and proves nothing to another citizen", async () => {
    const shared = await accessAt(AN, 2);
    const text = JSON.stringify(shared.proof);
    expect(text).not.toContain(BINH);
    expect(text).not.toContain(CHI);
    // Every 64-hex value the proof holds, tried as Binh's blind, gives no hash the proof holds: Binh's leaf stays hidden.
    const values = new Set(text.match(/[0-9a-f]{64}/g));
    for (const value of values) expect(values.has(leafHash(citizenLeafText(BINH, value)).toString('hex'))).toBe(false);
    expect(await check(shared, BINH)).toMatchObject({ verified: false, failure: 'NOT_INCLUDED' });
    const binhsOwn = (await accessesOf(BINH)).find((access) => access.reference === shared.reference)!;
    expect(binhsOwn.proof!.citizen.blind).not.toBe(shared.proof!.citizen.blind);
    expect(await check(binhsOwn, BINH)).toMatchObject({ verified: true });
    // An's proof shown for another access fails.
    expect(await check({ ...shared, reference: `${INSTANCE}:3` }, AN, { ...shared.proof!, leafIndex: 2 })).toMatchObject({ verified: false });
  });

  it('fails an access shown otherwise than recorded, an altered tree head, a key not pinned and a missing countersignature', async () => {
    const access = await accessAt(AN, 4);
    const proof = access.proof!;
    expect(await check({ ...access, dossierId: 'HS-OTHER' }, AN)).toMatchObject({ verified: false, failure: 'NOT_INCLUDED' });
    expect(await check({ ...access, agencyName: 'Another agency' }, AN)).toMatchObject({ verified: false, failure: 'NOT_INCLUDED' });
    expect(await check(access, AN, { ...proof, fieldsRead: [...proof.fieldsRead, 'Citizen.ethnicity'] })).toMatchObject({ failure: 'NOT_INCLUDED' });
    const forgedRoot = treeHash([leafHash('forged')]).toString('hex');
    expect(await check(access, AN, { ...proof, checkpoint: { ...proof.checkpoint, treeRoot: forgedRoot } })).toMatchObject({ failure: 'NOT_INCLUDED' });
    const tampered = [...proof.path];
    tampered[0] = '0'.repeat(64);
    expect(await check(access, AN, { ...proof, path: tampered })).toMatchObject({ failure: 'NOT_INCLUDED' });
    expect(await verifyAccessProof(access, AN, proof, { ...trust, gatewayKeys: [witness.publicKey] })).toMatchObject({ failure: 'UNTRUSTED_KEY' });
    expect(await check(access, AN, { ...proof, cosignatures: [] })).toMatchObject({ failure: 'NOT_COUNTERSIGNED' });
    const cosignature = proof.cosignatures[0]!;
    expect(await check(access, AN, { ...proof, cosignatures: [{ ...cosignature, at: '2030-01-01T00:00:00.000Z' }] })).toMatchObject({
      failure: 'NOT_COUNTERSIGNED',
    });
  });

  it('gives the same proof at the GraphQL endpoint, as JSON', async () => {
    const handle = await startHttpServer(
      [createCitizenRoute({ trail, jwt: null, tokenVerifier: { verify: async (token) => ({ nationalId: token }) } })],
      { port: 0, host: '127.0.0.1' },
      getLogger('test'),
    );
    try {
      const response = await postGraphQL<{ myDataAccess: { nodes: Array<CitizenAccess & { proof: string }> } }>(
        new URL('citizen', handle.baseUrl).toString(),
        '{ myDataAccess(first: 50) { nodes { reference at agencyCode agencyName purpose dossierId proof } } }',
        {},
        { authorization: `Bearer ${BINH}` },
      );
      const nodes = response.data!.myDataAccess.nodes;
      expect(nodes.map((node) => node.reference)).toEqual([`${INSTANCE}:3`, `${INSTANCE}:2`]);
      for (const node of nodes) expect(await verifyAccessProof(node, BINH, JSON.parse(node.proof) as AccessProof, trust)).toMatchObject({ verified: true });
    } finally {
      await handle.stop();
    }
  });

  it("checks a record's proof from the command line, and fails a record changed in the database there and in the API", async () => {
    const sound = await verifyScript('--record', `${INSTANCE}:2`);
    expect(sound.stdout).toMatch(/record gw-proof:2: leaf 1 of the tree of 10 records .* countersigned by 1 pinned witness\(es\).*: verified/);
    expect(sound.stdout).toMatch(/the proof each of the 2 citizen\(s\) it names receives verifies/);
    expect(sound.code).toBe(0);

    await fixture.db('audit_records').where({ instance: INSTANCE, seq: 5 }).update({ dossier_id: 'HS-REWRITTEN' });
    const changed = await verifyScript('--record', `${INSTANCE}:5`);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/NOT VERIFIED: record gw-proof:5 \(NOT_INCLUDED\)/);
    expect(await check(await accessAt(AN, 5), AN)).toMatchObject({ verified: false, failure: 'NOT_INCLUDED' });

    // A column the citizen is not shown is in the leaf too, through the record's hash.
    await fixture.db('audit_records').where({ instance: INSTANCE, seq: 6 }).update({ user_id: 'someone.else' });
    expect((await verifyScript('--record', `${INSTANCE}:6`)).code).toBe(1);
    expect(await check(await accessAt(AN, 6), AN)).toMatchObject({ verified: false, failure: 'NOT_INCLUDED' });
    expect(await check(await accessAt(AN, 7), AN)).toMatchObject({ verified: true });

    expect((await verifyScript('--record', `${INSTANCE}:99`)).stdout).toMatch(/holds no record gw-proof:99/);
    expect((await verifyScript('--record', 'not-a-reference')).code).toBe(2);
  });

  it('checks from the command line that the signed tree extends the one the verifier accepted last', async () => {
    const stateFile = path.join(fixture.directory, 'record-verifier', 'state.json');
    const { latest } = await new TreeRepository(fixture.db).provingHeads(INSTANCE);
    const leaves = await Promise.all(Array.from({ length: 4 }, async (_, index) => recordLeafHash(await storedRecord(fixture.db, INSTANCE, index + 1))));
    const earlier = { ...latest!.checkpoint, seq: 4, treeSize: 4, treeRoot: treeHash(leaves).toString('hex'), at: '2026-05-01T09:04:30.000Z' };
    writeVerifierState(stateFile, new Map([[INSTANCE, earlier]]));
    const grown = await verifyScript('--record', `${INSTANCE}:7`, '--state', stateFile);
    expect(grown.stdout).toMatch(/the signed tree extends the tree of 4 records this verifier accepted \(2026-05-01T09:04:30.000Z\): the trail only grew/);
    expect(grown.code).toBe(0);
    writeVerifierState(stateFile, new Map([[INSTANCE, { ...earlier, treeRoot: treeHash([leafHash('another trail')]).toString('hex') }]]));
    const rewritten = await verifyScript('--record', `${INSTANCE}:7`, '--state', stateFile);
    expect(rewritten.stdout).toMatch(
      /NOT VERIFIED: the signed tree of 10 records and the tree of 4 records this verifier accepted .* are not one growing tree/,
    );
    expect(rewritten.code).toBe(1);
  });

  it('shows an access not sealed yet without a proof, and seals it at the next checkpoint', async () => {
    const { seq } = await log.append(auditInput({ at: new Date(Date.UTC(2026, 4, 1, 10, 0)), citizenIds: [CHI], dossierId: 'HS-11' }));
    await log.indexed();
    expect((await accessAt(CHI, seq)).proof).toBeNull();
    await log.checkpoint('INTERVAL');
    // The witness took it because the gateway showed it, with a consistency proof, that the tree of 11 extends the one of 10.
    expect(await check(await accessAt(CHI, seq), CHI)).toMatchObject({ verified: true, treeSize: 11, witnesses: 1 });
  });
});

describe('the audit tree', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  /** Given an instance and a count, writes that many records a minute apart, removes the tree the log grew, and returns the stored tree and the records' leaves. */
  async function recordsWithoutTree(instance: string, count: number): Promise<{ trees: TreeRepository; leaves: Buffer[] }> {
    const log = await fixture.startLog(instance);
    for (let minute = 1; minute <= count; minute += 1) await log.append(auditInput({ at: new Date(Date.UTC(2026, 4, 1, 9, minute)) }));
    await log.stop();
    const trees = new TreeRepository(fixture.db);
    await trees.clear(instance);
    const leaves = await Promise.all(Array.from({ length: count }, async (_, index) => recordLeafHash(await storedRecord(fixture.db, instance, index + 1))));
    return { trees, leaves };
  }

  it("grows by bounded steps to the records' tree, and is built again when the chain it was of is gone", async () => {
    const { trees, leaves } = await recordsWithoutTree('gw-grow', 7);
    const tree = new AuditTree(fixture.repository, trees, 'gw-grow', 3);
    expect(await tree.grow(7)).toEqual({ size: 3, root: treeHash(leaves.slice(0, 3)).toString('hex') });
    expect(await tree.grow(7)).toEqual({ size: 6, root: treeHash(leaves.slice(0, 6)).toString('hex') });
    expect(await tree.grow(7)).toEqual({ size: 7, root: treeHash(leaves).toString('hex') });
    expect(await tree.grow(7)).toEqual({ size: 7, root: treeHash(leaves).toString('hex') });
    // The chain's records were removed and others written: the tree of the old ones is not continued.
    await fixture.db('audit_records').where('instance', 'gw-grow').where('seq', '>', 5).delete();
    await fixture.db('audit_records').where({ instance: 'gw-grow', seq: 5 }).delete();
    const rebuilt = await new AuditTree(fixture.repository, trees, 'gw-grow').grow(4);
    expect(rebuilt).toEqual({ size: 4, root: treeHash(leaves.slice(0, 4)).toString('hex') });
    // A record changed in place stops the growth: the tree never takes in a record that does not match its hash.
    await fixture.db('audit_records').where({ instance: 'gw-grow', seq: 4 }).update({ dossier_id: 'changed' });
    await expect(new AuditTree(fixture.repository, trees, 'gw-grow').grow(4)).rejects.toThrow(/does not match its own hash/);
  });

  it('hashes in slices, letting the event loop run between them, and grows the same tree as in one go', async () => {
    const { trees, leaves } = await recordsWithoutTree('gw-sliced', 9);
    // A clock that moves 4 ms at each reading: a slice of 10 ms holds about two records, then yields.
    let clock = 0;
    const turns: number[] = [];
    const slicing = {
      sliceMs: 10,
      now: () => (clock += 4),
      yieldNow: async () => {
        turns.push(clock);
      },
    };
    const sliced = await new AuditTree(fixture.repository, trees, 'gw-sliced', undefined, slicing).grow(9);
    expect(turns.length).toBeGreaterThanOrEqual(3);
    expect(sliced).toEqual({ size: 9, root: treeHash(leaves).toString('hex') });
    // A clock that never moves: one slice, no yield, the same head.
    await trees.clear('gw-sliced');
    const still = { sliceMs: 10, now: () => 0, yieldNow: () => Promise.reject(new Error('yielded')) };
    expect(await new AuditTree(fixture.repository, trees, 'gw-sliced', undefined, still).grow(9)).toEqual(sliced);
  });

  it('is a problem to the verifier when a checkpoint signs a tree head the records do not give', async () => {
    const log = await fixture.startLog('gw-forged-tree');
    for (let minute = 1; minute <= 4; minute += 1) await log.append(auditInput({ at: new Date(Date.UTC(2026, 4, 1, 9, minute)) }));
    await log.stop();
    expect((await fixture.verify('gw-forged-tree')).sound).toBe(true);
    const last = await storedRecord(fixture.db, 'gw-forged-tree', 4);
    const key = trustedSigningKey(fixture.config('gw-forged-tree'), true);
    await appendCheckpoint(
      fixture.config('any').checkpointDirectory,
      signCheckpoint(
        {
          instance: 'gw-forged-tree',
          seq: 4,
          headHash: last.hash,
          treeSize: 3,
          treeRoot: treeHash([leafHash('forged')]).toString('hex'),
          at: new Date().toISOString(),
          reason: 'START',
        },
        key,
      ),
    );
    expect((await fixture.verify('gw-forged-tree')).instances[0]!.problem).toMatchObject({ seq: 3, kind: 'TREE' });
  });
});
