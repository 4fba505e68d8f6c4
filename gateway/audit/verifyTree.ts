import type { AuditRecordRow } from '../../db/gatewayRows';
import { TreeAppender } from './merkle';
import { recordLeafHash } from './recordLeaf';
import type { SealedPoint } from './sealedPoints';

/**
 * The verifier's check of the Merkle tree heads the checkpoints signed: it rebuilds the tree from the records in
 * chain order, a leaf each, holding its frontier only, and compares the root at each signed size.
 */
export class TreeCheck {
  private appender = new TreeAppender(0, []);
  private readonly bySize = new Map<number, SealedPoint[]>();

  /** Given the checkpoints the verifier holds, keeps those that sign a tree head, by its size. */
  constructor(points: readonly SealedPoint[]) {
    for (const point of points) {
      const size = point.checkpoint.treeSize;
      if (size !== undefined) this.bySize.set(size, [...(this.bySize.get(size) ?? []), point]);
    }
  }

  /** Given the checkpoints of an empty tree, or after a record (in chain order), returns why a signed root at this size does not match, or null. */
  private mismatch(): string | null {
    const root = this.appender.root().toString('hex');
    for (const { checkpoint, source } of this.bySize.get(this.appender.size) ?? [])
      if (checkpoint.treeRoot !== root)
        return `the Merkle tree of records 1..${this.appender.size} is not the one the checkpoint of ${checkpoint.at} (${source}) signed: its leaves or its root were forged`;
    return null;
  }

  /** Returns why the checkpoints of an empty tree do not sign the empty root, or null. */
  start(): string | null {
    return this.mismatch();
  }

  /**
   * Given the size and frontier (hex) of the tree after an archived range the chain crossed on its signed manifest,
   * goes on from there; returns why a tree head signed at that size does not match, or null.
   */
  continueFrom(size: number, frontier: readonly string[]): string | null {
    this.appender = new TreeAppender(
      size,
      frontier.map((hash) => Buffer.from(hash, 'hex')),
    );
    return this.mismatch();
  }

  /** Given the next record of the chain, adds its leaf; returns why a tree head signed at this size does not match, or null. */
  add(record: AuditRecordRow): string | null {
    this.appender.append(recordLeafHash(record));
    return this.mismatch();
  }
}
