import type { AuditConfig } from '../../common/config';
import { getLogger } from '../../common/logger';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { ChainHead } from './chain';
import { checkpointFile, readLastCheckpoint, signCheckpoint } from './checkpoints';
import { AuditIntegrityError } from './errors';
import type { TreeHead } from './auditTree';
import type { Cosignature } from './proofCheck';
import { CheckpointAnchor } from './trustAnchor';
import { CheckpointTimestamper } from './timestamp/timestamper';
import { timestampTrustOf } from './timestamp/trust';
import type { Checkpoint, CheckpointReason } from './types';

export interface CheckpointerOptions {
  instance: string;
  /** Where the checkpoint files are, the signing key's file, the pinned keys and the witnesses. */
  config: AuditConfig;
  /** Whether a missing signing key may be created (never in production). */
  createKey: boolean;
  now: () => Date;
  /** The instance's Merkle tree, whose head each checkpoint signs as well; none, and checkpoints sign the chain's head alone. */
  tree?: CheckpointedTree;
}

/** What the checkpointer needs of the tree: to grow it to the head it signs, and to keep the signed head with its countersignatures. */
export interface CheckpointedTree {
  grow(headSeq: number): Promise<TreeHead>;
  /** The consistency proof (RFC 9162 §2.1.4) that the tree of toSize records extends the one of fromSize, for the witnesses. */
  consistency(fromSize: number, toSize: number): Promise<string[]>;
  saveHead(checkpoint: Checkpoint, cosignatures: readonly Cosignature[]): Promise<void>;
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
 * An instance's checkpoints: at start, checks the chain's head against the last one signed by a pinned key, in
 * the local file or at a witness; then signs heads and seals them through the trust anchor (the local file and
 * every witness), one at a time.
 */
export class Checkpointer {
  private anchor: CheckpointAnchor | null = null;
  private last: Checkpoint | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  /** The TSA's side of every checkpoint, when one is configured (AUDIT_TSA_URL). */
  private timestamper: CheckpointTimestamper | null = null;

  constructor(private readonly options: CheckpointerOptions) {}

  /** When the last checkpoint known (sealed by this process, or found at start) was signed (ms since the epoch), or null. */
  lastSealedAt(): number | null {
    return this.last ? Date.parse(this.last.at) : null;
  }

  /** Per witness, when it last countersigned a checkpoint of this process (ms since the epoch), or null. */
  countersignedAt(): Array<{ witness: string; countersignedAt: number | null }> {
    return this.anchor?.countersignedAt() ?? [];
  }

  /** Loads the signing key, creating it when allowed, and checks that it is pinned. */
  loadKey(): void {
    this.anchor ??= CheckpointAnchor.open(this.options.config, this.options.createKey);
    const timestamping = this.options.config.timestamping;
    if (timestamping && !this.timestamper)
      this.timestamper = new CheckpointTimestamper({
        config: timestamping,
        trust: timestampTrustOf(timestamping),
        directory: this.options.config.checkpointDirectory,
        key: this.anchor.key,
        retryDelayMs: this.options.config.retryMs,
        now: this.options.now,
      });
  }

  /** Stops asking the TSA again, once the attempts under way are done (each bounded by its timeout). */
  async close(): Promise<void> {
    await this.timestamper?.close();
  }

  private refuse(why: string): AuditIntegrityError {
    return cannotContinue(this.options.config.checkpointDirectory, this.options.instance, why);
  }

  /**
   * Given the head the database holds and a way to read a record of the chain, checks them against the last
   * checkpoint signed by a pinned key (loading the key if need be); throws an AuditIntegrityError when the chain
   * was cut, rolled back, rewritten or grown while the gateway was stopped, or when records exist but the
   * checkpoint file is gone.
   */
  async checkHead(head: ChainHead, recordAt: (seq: number) => Promise<AuditRecordRow | null>): Promise<void> {
    this.loadKey();
    const { checkpoint, source, localMissing, problem } = await this.anchor!.lastCheckpoint(this.options.instance);
    if (problem !== null) throw this.refuse(problem);
    if (this.timestamper) {
      const local = await readLastCheckpoint(checkpointFile(this.options.config.checkpointDirectory, this.options.instance));
      if (local.checkpoint) await this.timestamper.markIfUnanswered(local.checkpoint);
    }
    if (localMissing && head.seq > 0) {
      const file = checkpointFile(this.options.config.checkpointDirectory, this.options.instance);
      throw this.refuse(`the database holds records up to seq ${head.seq}, but ${file} holds no checkpoint: it was removed`);
    }
    if (checkpoint === null) return;
    const sealed = `the checkpoint of ${checkpoint.at} (${source}) sealed seq ${checkpoint.seq}`;
    if (checkpoint.seq > head.seq) throw this.refuse(`${sealed}, but the database ends at seq ${head.seq}: its tail was cut or it was rolled back`);
    if (checkpoint.seq > 0 && (await recordAt(checkpoint.seq))?.hash !== checkpoint.headHash)
      throw this.refuse(`${sealed}, and the record now at that seq is not the one sealed`);
    if (checkpoint.reason === 'STOP' && checkpoint.seq < head.seq) {
      throw this.refuse(`${sealed} when the gateway stopped, yet records up to seq ${head.seq} follow it: they were added while it was stopped`);
    }
    this.last = checkpoint;
  }

  /** Given the chain's head seq, grows the tree toward it and returns its head; null, logged, when it cannot: the checkpoint then signs the chain alone. */
  private async treeHead(seq: number): Promise<TreeHead | null> {
    if (!this.options.tree) return null;
    try {
      return await this.options.tree.grow(seq);
    } catch (error) {
      getLogger('audit').error({ err: error, instance: this.options.instance, seq }, 'the audit tree cannot grow: this checkpoint signs the chain alone');
      return null;
    }
  }

  /**
   * Given why and the head the database holds, grows the tree to it, signs both heads and seals them (the
   * instance's checkpoint file and the witnesses), and keeps the signed tree head with its countersignatures;
   * returns the checkpoint written, or null for an INTERVAL checkpoint whose heads the last one sealed already.
   */
  checkpoint(reason: CheckpointReason, head: () => ChainHead): Promise<Checkpoint | null> {
    const next = this.writing.then(async () => {
      if (!this.anchor) throw new Error('The audit log has not been started');
      const { seq, hash } = head();
      const tree = await this.treeHead(seq);
      const previous = this.last;
      const sealedAlready = (last: Checkpoint) => last.seq === seq && last.headHash === hash && last.treeSize === tree?.size;
      // A head sealed already is signed again when its checkpoint could not be time-stamped in time: a new one can.
      if (reason === 'INTERVAL' && previous && sealedAlready(previous) && !this.timestamper?.gaveUpOn(previous)) return null;
      const checkpoint = signCheckpoint(
        {
          instance: this.options.instance,
          seq,
          headHash: hash,
          ...(tree ? { treeSize: tree.size, treeRoot: tree.root } : {}),
          at: this.options.now().toISOString(),
          reason,
        },
        this.anchor.key,
      );
      const cosignatures = await this.anchor.seal(checkpoint, tree ? (fromSize) => this.options.tree!.consistency(fromSize, tree.size) : undefined);
      this.last = checkpoint;
      if (tree)
        await this.options
          .tree!.saveHead(checkpoint, cosignatures)
          .catch((error: unknown) =>
            getLogger('audit').error({ err: error, instance: this.options.instance, seq }, 'the signed tree head was not kept: proofs end at the one before'),
          );
      // The TSA is asked beside the next requests, never before them; a clean stop waits for its answer.
      const stamped = this.timestamper?.stamp(checkpoint);
      if (reason === 'STOP') await stamped;
      return checkpoint;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
