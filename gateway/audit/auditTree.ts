import type { AuditRepository } from './auditRepository';
import { AuditIntegrityError } from './errors';
import { GENESIS_HASH, recordHash } from './hashChain';
import type { NodeAddress, TreeNode } from './merkle';
import { TreeAppender, consistencyRanges, nodeKey, pathRanges, rangeHash, rangeNodes } from './merkle';
import { recordLeafHash } from './recordLeaf';
import type { TreeRepository } from './treeRepository';

/** The head of an instance's tree: how many records, from seq 1, it holds, and its root (hex). */
export interface TreeHead {
  size: number;
  root: string;
}

/** How many records are read back at a time while the tree grows. */
const PAGE = 250;
/** The most records one growth adds: a tree that lags far behind (a first start over an old trail) catches up over a few checkpoints. */
export const MAX_GROWTH = 50_000;

/**
 * How the growth shares the event loop with the requests: it hashes for at most sliceMs at a time, then lets
 * whatever waits run (yieldNow). A record's leaf costs 5 to 8 µs per citizen it names, so a page of records
 * naming 500 each would otherwise hold the loop for a second. Injectable, for tests, as DataLoader's scheduling is.
 */
export interface GrowthSlicing {
  sliceMs: number;
  now: () => number;
  yieldNow: () => Promise<void>;
}

export const DEFAULT_GROWTH_SLICING: GrowthSlicing = {
  sliceMs: 10,
  now: () => performance.now(),
  yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
};

/**
 * An instance's Merkle tree, stored beside its records (treeRepository.ts): grown from the records before each
 * checkpoint signs its head, and read for inclusion proofs, a few nodes per proof.
 */
export class AuditTree {
  constructor(
    private readonly records: AuditRepository,
    private readonly tree: TreeRepository,
    private readonly instance: string,
    private readonly maxGrowth = MAX_GROWTH,
    private readonly slicing: GrowthSlicing = DEFAULT_GROWTH_SLICING,
  ) {}

  /** Tells whether the stored tree of this size is of the chain as it stands: its last leaf is that of the record at its place. */
  private async ofThisChain(size: number, headSeq: number): Promise<boolean> {
    if (size > headSeq) return false;
    const record = await this.records.recordAt(this.instance, size);
    if (record === null) return false;
    // A record that no longer matches its own hash was changed: the tree is not rebuilt over it.
    if (recordHash(record) !== record.hash)
      throw new AuditIntegrityError(`record ${size} of ${this.instance} does not match its own hash: run \`npm run audit:verify\``);
    const last = (await this.tree.nodes(this.instance, [{ level: 0, index: size - 1 }])).get(nodeKey({ level: 0, index: size - 1 }));
    return last !== undefined && last.equals(recordLeafHash(record));
  }

  /**
   * Given the seq of the chain's head in the database, grows the stored tree toward it (by at most maxGrowth
   * records) and returns its head. Every record added must match its hash and link to the one before; a stored
   * tree that is not of this chain (its records were removed, as a reset does) is built again. Throws an
   * AuditIntegrityError on a record that does not follow the chain.
   */
  async grow(headSeq: number): Promise<TreeHead> {
    let size = await this.tree.size(this.instance);
    if (size > 0 && !(await this.ofThisChain(size, headSeq))) {
      await this.tree.clear(this.instance);
      size = 0;
    }
    const addresses = rangeNodes(0, size);
    const frontier = await this.tree.nodes(this.instance, addresses);
    const appender = new TreeAppender(
      size,
      addresses.map((address) => {
        const hash = frontier.get(nodeKey(address));
        if (!hash) throw new AuditIntegrityError(`the tree of ${this.instance} lacks node ${nodeKey(address)}`);
        return hash;
      }),
    );
    let previousHash = size === 0 ? GENESIS_HASH : (await this.records.recordAt(this.instance, size))!.hash;
    const target = Math.min(headSeq, size + this.maxGrowth);
    const completed: TreeNode[] = [];
    const { sliceMs, now, yieldNow } = this.slicing;
    while (appender.size < target) {
      const page = await this.records.chainPage(this.instance, appender.size, Math.min(PAGE, target - appender.size));
      // Reading the page let the loop run: the slice starts again.
      let sliceStarted = now();
      if (page.length === 0) throw new AuditIntegrityError(`records ${appender.size + 1}..${target} of ${this.instance} are missing`);
      for (const record of page) {
        const hash = recordHash(record);
        if (record.seq !== appender.size + 1 || hash !== record.hash || record.previous_hash !== previousHash)
          throw new AuditIntegrityError(`record ${appender.size + 1} of ${this.instance} does not follow the chain: run \`npm run audit:verify\``);
        completed.push(...appender.append(recordLeafHash(record, hash)));
        previousHash = record.hash;
        if (now() - sliceStarted >= sliceMs) {
          await yieldNow();
          sliceStarted = now();
        }
      }
    }
    await this.tree.appendNodes(this.instance, completed);
    return { size: appender.size, root: appender.root().toString('hex') };
  }

  /** Given two sizes of this instance's tree, returns the consistency proof (RFC 9162 §2.1.4, hex) that the larger extends the smaller. */
  async consistency(fromSize: number, toSize: number): Promise<string[]> {
    const ranges = consistencyRanges(fromSize, toSize);
    const nodes = await this.tree.nodes(
      this.instance,
      ranges.flatMap(([start, end]) => rangeNodes(start, end)),
    );
    return ranges.map(([start, end]) => rangeHash(start, end, (address) => this.stored(nodes, address)).toString('hex'));
  }

  private stored(nodes: ReadonlyMap<string, Buffer>, address: NodeAddress): Buffer {
    const hash = nodes.get(nodeKey(address));
    if (!hash) throw new AuditIntegrityError(`the tree of ${this.instance} lacks node ${nodeKey(address)}`);
    return hash;
  }

  /** Given seqs of this instance and a tree size that holds them, returns each one's inclusion path (hex), in one read of the nodes. */
  async paths(seqs: readonly number[], treeSize: number): Promise<Map<number, string[]>> {
    const ranges = new Map(seqs.map((seq) => [seq, pathRanges(seq - 1, treeSize)]));
    const nodes = await this.tree.nodes(
      this.instance,
      [...ranges.values()].flat().flatMap(([start, end]) => rangeNodes(start, end)),
    );
    const nodeAt = (address: NodeAddress) => this.stored(nodes, address);
    return new Map([...ranges].map(([seq, pathOf]) => [seq, pathOf.map(([start, end]) => rangeHash(start, end, nodeAt).toString('hex'))]));
  }
}
