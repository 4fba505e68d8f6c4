import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { Checkpointer } from '../../gateway/audit/checkpointer';
import { checkpointFile, readCheckpoints } from '../../gateway/audit/checkpoints';
import { AuditIntegrityError } from '../../gateway/audit/errors';
import type { AuditRecordRow } from '../../db/gatewayRows';

describe('Checkpointer', () => {
  let directory: string;
  /** Outside production: the key is made on first use and pinned in the data directory's pin file. */
  const config = () => loadConfig({ DATA_DIR: directory }).audit;
  const checkpointer = (instance = 'gw-seal') =>
    new Checkpointer({ instance, config: config(), createKey: true, now: () => new Date('2026-03-01T08:00:00.000Z') });
  const head = (seq: number) => ({ seq, hash: String(seq).repeat(64).slice(0, 64) });
  const recordAt = async (seq: number) => ({ seq, hash: head(seq).hash }) as AuditRecordRow;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-checkpointer-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('signs heads one at a time, and skips an INTERVAL checkpoint of a head already sealed', async () => {
    const sealer = checkpointer();
    sealer.loadKey();
    const [first, second, third] = await Promise.all([
      sealer.checkpoint('START', () => head(2)),
      sealer.checkpoint('INTERVAL', () => head(2)),
      sealer.checkpoint('INTERVAL', () => head(3)),
    ]);
    expect(first).toMatchObject({ seq: 2, reason: 'START' });
    expect(second).toBeNull();
    expect(third).toMatchObject({ seq: 3, reason: 'INTERVAL' });
    expect((await readCheckpoints(checkpointFile(config().checkpointDirectory, 'gw-seal'))).map((line) => line.checkpoint?.seq)).toEqual([2, 3]);
  });

  it('at start, accepts the head its last checkpoint sealed or one grown from it, and refuses a cut tail or records added after a STOP', async () => {
    const sealer = checkpointer();
    sealer.loadKey();
    await sealer.checkpoint('INTERVAL', () => head(3));
    const next = checkpointer();
    next.loadKey();
    await expect(next.checkHead(head(5), recordAt)).resolves.toBeUndefined();
    await expect(next.checkHead(head(2), recordAt)).rejects.toThrow(/sealed seq 3, but the database ends at seq 2: its tail was cut or it was rolled back/);
    await expect(next.checkHead(head(4), async (seq) => ({ seq, hash: 'f'.repeat(64) }) as AuditRecordRow)).rejects.toThrow(AuditIntegrityError);
    await sealer.checkpoint('STOP', () => head(3));
    await expect(checkpointer().checkHead(head(4), recordAt)).rejects.toThrow(/when the gateway stopped, yet records up to seq 4 follow it/);
  });
});
