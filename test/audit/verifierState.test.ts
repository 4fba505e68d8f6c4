import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSigningKey, signCheckpoint } from '../../gateway/audit/checkpoints';
import type { Checkpoint } from '../../gateway/audit/types';
import { nextVerifierState, readVerifierState, writeVerifierState } from '../../gateway/audit/verifierState';
import type { AuditVerification, InstanceVerification } from '../../gateway/audit/verify';

describe("the verifier's state", () => {
  let directory: string;
  let checkpointAt: (instance: string, seq: number) => Checkpoint;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-verifier-state-'));
    const key = loadOrCreateSigningKey(path.join(directory, 'key.pem'), true);
    checkpointAt = (instance, seq) =>
      signCheckpoint({ instance, seq, headHash: String(seq % 10).repeat(64), at: '2026-03-01T08:00:00.000Z', reason: 'INTERVAL' }, key);
  });

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const result = (instance: string, accepted: Checkpoint | null, sound = accepted !== null): InstanceVerification => ({
    instance,
    records: 0,
    checkpoints: 0,
    lastCheckpointSeq: 0,
    unsealed: 0,
    accepted,
    problem: sound ? null : { instance, seq: 1, kind: 'TRUNCATED', message: 'cut' },
  });
  const verification = (instances: InstanceVerification[]): AuditVerification => ({
    sound: instances.every((each) => each.problem === null),
    instances,
    problems: [],
  });

  it('starts empty, and keeps what it is given across runs', () => {
    const file = path.join(directory, 'state', 'state.json');
    expect(readVerifierState(file)).toEqual(new Map());
    const state = new Map([
      ['gw-2', checkpointAt('gw-2', 4)],
      ['gw-1', checkpointAt('gw-1', 9)],
    ]);
    writeVerifierState(file, state);
    expect(readVerifierState(file)).toEqual(state);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).instances)).toEqual(['gw-1', 'gw-2']);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('moves an instance on to the checkpoint a sound verification accepted, never back, and not for a damaged trail', () => {
    const before = new Map([
      ['gw-1', checkpointAt('gw-1', 9)],
      ['gw-2', checkpointAt('gw-2', 4)],
    ]);
    const after = nextVerifierState(
      before,
      verification([result('gw-1', checkpointAt('gw-1', 12)), result('gw-2', null, false), result('gw-3', checkpointAt('gw-3', 1))]),
    );
    expect([...after.entries()].map(([instance, checkpoint]) => `${instance}:${checkpoint.seq}`)).toEqual(['gw-1:12', 'gw-2:4', 'gw-3:1']);
    expect(nextVerifierState(after, verification([result('gw-1', checkpointAt('gw-1', 3))])).get('gw-1')!.seq).toBe(12);
  });

  it('refuses a file that is not its state, rather than forget what it accepted', () => {
    const file = path.join(directory, 'bad.json');
    fs.writeFileSync(file, '{oops');
    expect(() => readVerifierState(file)).toThrow(/is not JSON/);
    fs.writeFileSync(file, JSON.stringify({ format: 'other', instances: {} }));
    expect(() => readVerifierState(file)).toThrow(/is not a dsp-audit-verifier-state\/v1 file/);
    fs.writeFileSync(file, JSON.stringify({ format: 'dsp-audit-verifier-state/v1', instances: { 'gw-1': checkpointAt('gw-2', 1) } }));
    expect(() => readVerifierState(file)).toThrow(/holds for instance gw-1 a checkpoint of another instance/);
  });
});
