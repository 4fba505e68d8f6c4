import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { getLogger } from '../../common/logger';
import type { CheckpointKey } from '../../gateway/audit/checkpoints';
import { loadOrCreateSigningKey, signCheckpoint, trustedKeysOf } from '../../gateway/audit/checkpoints';
import { publicKeyText } from '../../common/publicKeys';
import type { CheckpointReason } from '../../gateway/audit/types';
import { consistencyRanges, leafHash, treeHash } from '../../gateway/audit/merkle';
import { WitnessClient, WitnessError } from '../../gateway/audit/witness/client';
import { cosignatureValid } from '../../gateway/audit/witness/protocol';
import type { RunningWitness } from '../../gateway/audit/witness/server';
import { startWitness } from '../../gateway/audit/witness/server';

const HEAD = (digit: string) => digit.repeat(64);

describe('audit checkpoint witness', () => {
  let directory: string;
  let gatewayKey: CheckpointKey;
  let foreignKey: CheckpointKey;
  let witnessKey: CheckpointKey;
  let witness: RunningWitness;
  let client: WitnessClient;

  const checkpoint = (instance: string, seq: number, headHash: string, reason: CheckpointReason = 'INTERVAL', key = gatewayKey) =>
    signCheckpoint({ instance, seq, headHash, at: new Date(Date.UTC(2026, 2, 1, 8, 0, seq)).toISOString(), reason }, key);

  /** Given a promise expected to fail with a WitnessError, returns its code and message. */
  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof WitnessError) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error('expected the witness to refuse');
  };

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-witness-'));
    gatewayKey = loadOrCreateSigningKey(path.join(directory, 'gateway.pem'), true);
    foreignKey = loadOrCreateSigningKey(path.join(directory, 'foreign.pem'), true);
    witnessKey = loadOrCreateSigningKey(path.join(directory, 'witness.pem'), true);
    witness = await startWitness({
      host: '127.0.0.1',
      port: 0,
      databaseFile: path.join(directory, 'witness.sqlite'),
      key: witnessKey,
      trustedKeys: trustedKeysOf([publicKeyText(gatewayKey.publicKey)]),
      logger: getLogger('test'),
    });
    client = new WitnessClient({ url: witness.url, publicKey: witness.publicKey });
  });

  afterAll(async () => {
    await witness?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('countersigns a checkpoint that grows its instance, and one sent again as it was', async () => {
    const first = await client.submit(checkpoint('w-grow', 0, HEAD('0'), 'START'));
    expect(first.cosignature.witnessKeyId).toBe(witnessKey.keyId);
    expect(cosignatureValid(first, witnessKey)).toBe(true);
    expect(cosignatureValid({ ...first, checkpoint: { ...first.checkpoint, seq: 1 } }, witnessKey)).toBe(false);
    const grown = await client.submit(checkpoint('w-grow', 5, HEAD('a')));
    expect(grown.checkpoint.seq).toBe(5);
    expect(await client.submit(grown.checkpoint)).toEqual(grown);
    expect(await client.latest('w-grow')).toEqual(grown);
    expect(await client.latest('w-unknown')).toBeNull();
  });

  it('refuses, with 409 CONFLICT, a checkpoint smaller than the last it countersigned, or of the same seq with another head', async () => {
    await client.submit(checkpoint('w-back', 7, HEAD('b')));
    expect(await refusal(client.submit(checkpoint('w-back', 6, HEAD('c'))))).toEqual({
      code: 'CONFLICT',
      message: expect.stringMatching(/sealed seq 7, and this one seals seq 6: the trail went back/),
    });
    expect(await refusal(client.submit(checkpoint('w-back', 7, HEAD('c'))))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/another chain/),
    });
    expect((await client.latest('w-back'))!.checkpoint.headHash).toBe(HEAD('b'));
  });

  it('keeps and countersigns the tree head a checkpoint signs, and refuses a tree that shrinks, changes at the same size, is dropped, or is not shown to extend it', async () => {
    const leaves = Array.from({ length: 7 }, (_, index) => leafHash(`record ${index}`));
    const root = (size: number) => treeHash(leaves.slice(0, size)).toString('hex');
    const withTree = (seq: number, treeSize: number, treeRoot: string) =>
      signCheckpoint(
        { instance: 'w-tree', seq, headHash: HEAD('d'), treeSize, treeRoot, at: new Date(Date.UTC(2026, 2, 1, 9, 0, seq)).toISOString(), reason: 'INTERVAL' },
        gatewayKey,
      );
    const sealed = await client.submit(withTree(5, 4, root(4)));
    expect(await client.latest('w-tree')).toEqual(sealed);
    expect(sealed.checkpoint).toMatchObject({ treeSize: 4, treeRoot: root(4) });
    expect(cosignatureValid(sealed, witnessKey)).toBe(true);
    expect(await refusal(client.submit(withTree(6, 3, root(3))))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/a tree of 4 records, and this one a tree of 3: the tree went back/),
    });
    expect(await refusal(client.submit(withTree(6, 4, HEAD('f'))))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/another tree root for 4 records/),
    });
    expect(await refusal(client.submit(checkpoint('w-tree', 7, HEAD('d'))))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/signs no tree/),
    });
    const proof = consistencyRanges(4, 7).map(([start, end]) => treeHash(leaves, start, end).toString('hex'));
    expect(await refusal(client.submit(withTree(7, 7, root(7))))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/does not show this one's tree of 7 to extend it/),
    });
    expect(await refusal(client.submit(withTree(7, 7, root(7)), [HEAD('9'), ...proof.slice(1)]))).toMatchObject({ code: 'CONFLICT' });
    // A tree that rewrote one of the 4 records it held is not shown to extend it, whatever the proof.
    const rewritten = [...leaves.slice(0, 2), leafHash('rewritten'), ...leaves.slice(3)];
    const rewrittenProof = consistencyRanges(4, 7).map(([start, end]) => treeHash(rewritten, start, end).toString('hex'));
    expect(await refusal(client.submit(withTree(7, 7, treeHash(rewritten).toString('hex')), rewrittenProof))).toMatchObject({ code: 'CONFLICT' });
    expect((await client.submit(withTree(7, 7, root(7)), proof)).checkpoint.treeSize).toBe(7);
  });

  it('refuses growth after a clean stop, and takes the start that follows it', async () => {
    await client.submit(checkpoint('w-stop', 3, HEAD('d'), 'STOP'));
    expect(await refusal(client.submit(checkpoint('w-stop', 4, HEAD('e'), 'START')))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/records appeared while it was stopped/),
    });
    expect((await client.submit(checkpoint('w-stop', 3, HEAD('d'), 'START'))).checkpoint.reason).toBe('START');
  });

  it('refuses, with 401 UNAUTHENTICATED, a checkpoint signed by a key it has not pinned, or altered after signing', async () => {
    expect(await refusal(client.submit(checkpoint('w-foreign', 1, HEAD('f'), 'INTERVAL', foreignKey)))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(new RegExp(`names key ${foreignKey.keyId}, which is not a trusted key`)),
    });
    expect(await refusal(client.submit({ ...checkpoint('w-foreign', 1, HEAD('f')), seq: 2 }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/signature does not verify/),
    });
    expect(await client.latest('w-foreign')).toBeNull();
  });

  it('answers bad requests with a 4xx and a stable code, never a 500', async () => {
    const post = (body: string) => fetch(`${witness.url}/v1/checkpoints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cases: Array<[Promise<Response>, number, string]> = [
      [post('{not json'), 400, 'BAD_REQUEST'],
      [post(JSON.stringify({ seq: 1 })), 400, 'BAD_REQUEST'],
      [post(JSON.stringify(checkpoint('../etc', 1, HEAD('1')))), 400, 'BAD_REQUEST'],
      [post('x'.repeat(100_000)), 413, 'PAYLOAD_TOO_LARGE'],
      [fetch(`${witness.url}/v1/checkpoints/${encodeURIComponent('a b')}`), 400, 'BAD_REQUEST'],
      // Percent-encoding that is not UTF-8, and an instance's name percent-encoded: neither names an instance.
      [fetch(`${witness.url}/v1/checkpoints/%E0%A4%A`), 400, 'BAD_REQUEST'],
      [fetch(`${witness.url}/v1/checkpoints/w%2Dgrow`), 400, 'BAD_REQUEST'],
      [fetch(`${witness.url}/v1/nothing`), 404, 'NOT_FOUND'],
      [fetch(`${witness.url}/v1/checkpoints`, { method: 'DELETE' }), 405, 'BAD_REQUEST'],
    ];
    for (const [request, status, code] of cases) {
      const response = await request;
      expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
  });

  it('holds a register of every instance it witnessed, which a client checks against the pinned witness key', async () => {
    const register = await client.register();
    expect(register.map(({ checkpoint: { instance, seq } }) => `${instance}:${seq}`)).toEqual(['w-back:7', 'w-grow:5', 'w-stop:3', 'w-tree:7']);
    // A client that pins another key takes none of its answers.
    const impostor = new WitnessClient({ url: witness.url, publicKey: publicKeyText(foreignKey.publicKey) });
    expect(await refusal(impostor.register())).toMatchObject({ code: 'FORGED' });
    const unreachable = new WitnessClient({ url: 'http://127.0.0.1:9', publicKey: witness.publicKey }, 500);
    expect(await refusal(unreachable.register())).toMatchObject({ code: 'UNREACHABLE' });
  });

  it('keeps an append-only copy: its store refuses to change or remove a countersigned checkpoint', () => {
    const db = new Database(path.join(directory, 'witness.sqlite'));
    try {
      expect(db.prepare("select count(*) as count from witnessed_checkpoints where instance = 'w-grow'").get()).toEqual({ count: 2 });
      expect(() => db.prepare("update witnessed_checkpoints set seq = 1 where instance = 'w-back'").run()).toThrow(/append-only/);
      expect(() => db.prepare("delete from witnessed_checkpoints where instance = 'w-back'").run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
