import type { AuditRecordRow } from '../../db/gatewayRows';
import type { ChainHead } from './chain';
import type { CheckpointKey } from './checkpoints';
import { appendCheckpoint, checkpointFile, checkpointSignatureValid, loadOrCreateSigningKey, readLastCheckpoint, signCheckpoint } from './checkpoints';
import { AuditIntegrityError } from './errors';
import type { Checkpoint, CheckpointReason } from './types';

export interface CheckpointerOptions {
  instance: string;
  checkpointDirectory: string;
  signingKeyFile: string;
  /** Whether a missing signing key may be created (never in production). */
  createKey: boolean;
  now: () => Date;
}

/** Given the checkpoint directory, an instance and why, returns the error that stops a start on a chain that cannot be continued. */
export function cannotContinue(checkpointDirectory: string, instance: string, why: string): AuditIntegrityError {
  const file = checkpointFile(checkpointDirectory, instance);
  return new AuditIntegrityError(
    `The audit trail of instance ${instance} cannot be continued: ${why}. Run \`npm run audit:verify\` to find the first bad record. ` +
      `If the gateway database was reset on purpose (development only), move ${file} aside.`,
  );
}

/**
 * An instance's checkpoints: at start, checks the chain's head against the last signed one; then signs heads and
 * appends them to the instance's file outside the database, one at a time.
 */
export class Checkpointer {
  private key: CheckpointKey | null = null;
  private last: Checkpoint | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckpointerOptions) {}

  /** Loads the signing key, creating it when allowed. */
  loadKey(): void {
    this.key ??= loadOrCreateSigningKey(this.options.signingKeyFile, this.options.createKey);
  }

  private refuse(why: string): AuditIntegrityError {
    return cannotContinue(this.options.checkpointDirectory, this.options.instance, why);
  }

  /**
   * Given the head the database holds and a way to read a record of the chain, checks them against the last
   * signed checkpoint (loading the key if need be); throws an AuditIntegrityError when the chain was cut, rolled back, rewritten or grown
   * while the gateway was stopped.
   */
  async checkHead(head: ChainHead, recordAt: (seq: number) => Promise<AuditRecordRow | null>): Promise<void> {
    const file = checkpointFile(this.options.checkpointDirectory, this.options.instance);
    const { checkpoint, error } = await readLastCheckpoint(file);
    if (error !== null) throw this.refuse(`the last line of ${file} is unreadable (${error})`);
    if (checkpoint === null) return;
    this.loadKey();
    const key = this.key!;
    if (checkpoint.keyId === key.keyId && !checkpointSignatureValid(checkpoint, key)) throw this.refuse(`the last checkpoint in ${file} is not signed by this gateway's key`);
    const sealed = `the checkpoint of ${checkpoint.at} sealed seq ${checkpoint.seq}`;
    if (checkpoint.seq > head.seq) throw this.refuse(`${sealed}, but the database ends at seq ${head.seq}: its tail was cut or it was rolled back`);
    if (checkpoint.seq > 0 && (await recordAt(checkpoint.seq))?.hash !== checkpoint.headHash) throw this.refuse(`${sealed}, and the record now at that seq is not the one sealed`);
    if (checkpoint.reason === 'STOP' && checkpoint.seq < head.seq) {
      throw this.refuse(`${sealed} when the gateway stopped, yet records up to seq ${head.seq} follow it: they were added while it was stopped`);
    }
    this.last = checkpoint;
  }

  /**
   * Given why and the head the database holds, signs it and appends it to the instance's checkpoint file;
   * returns the checkpoint written, or null for an INTERVAL checkpoint whose head the last one sealed already.
   */
  checkpoint(reason: CheckpointReason, head: () => ChainHead): Promise<Checkpoint | null> {
    const next = this.writing.then(async () => {
      if (!this.key) throw new Error('The audit log has not been started');
      const { seq, hash } = head();
      const previous = this.last;
      if (reason === 'INTERVAL' && previous && previous.seq === seq && previous.headHash === hash) return null;
      const checkpoint = signCheckpoint({ instance: this.options.instance, seq, headHash: hash, at: this.options.now().toISOString(), reason }, this.key);
      await appendCheckpoint(this.options.checkpointDirectory, checkpoint);
      this.last = checkpoint;
      return checkpoint;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
