import { hash } from 'node:crypto';

/*
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0) §2.1, over leaves given as bytes:
 * MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 || d), MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
 * with k the largest power of two smaller than n. Leaves here are their leaf hashes already (SHA-256(0x00 || d)).
 * Verification, which the citizen's browser runs as well, is in common/auditProof.ts.
 */

/**
 * Given bytes (a string as UTF-8), returns their SHA-256. Node's one-shot hash costs a third of a Hash object's
 * update and digest on inputs this small, and its hex output decoded is cheaper than its 'buffer' output: a
 * record naming 500 citizens hashes some 1,500 times for its leaf.
 */
function sha256(data: string | Uint8Array): Buffer {
  return Buffer.from(hash('sha256', data, 'hex'), 'hex');
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_TREE_ROOT: Buffer = sha256(new Uint8Array(0));

/** The leaf hash's prefix byte, for data given as bytes. */
const LEAF_PREFIX = Uint8Array.of(0x00);

/** Given a leaf's data, returns its leaf hash: SHA-256(0x00 || data). A string's 0x00 is U+0000 in UTF-8. */
export function leafHash(data: Uint8Array | string): Buffer {
  return sha256(typeof data === 'string' ? `\u0000${data}` : Buffer.concat([LEAF_PREFIX, data]));
}

/** Given the hashes of two subtrees, returns their parent's: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + left.length + right.length);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return sha256(bytes);
}

/** Given n of at least 2, returns the largest power of two smaller than n. */
export function splitOf(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Given leaf hashes and a range of them, returns MTH of that range (the whole list by default). */
export function treeHash(leaves: readonly Uint8Array[], start = 0, end = leaves.length): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_ROOT;
  if (n === 1) return Buffer.from(leaves[start]!);
  const k = splitOf(n);
  return nodeHash(treeHash(leaves, start, start + k), treeHash(leaves, start + k, end));
}

/**
 * Given the ranges of a tree of size leaves, returns the ranges [start, end) whose MTH form the inclusion path of
 * the leaf at index (PATH(m, D[n]) of RFC 9162 §2.1.3.1), nearest to the leaf first.
 */
export function pathRanges(index: number, size: number, start = 0): Array<[number, number]> {
  if (index < 0 || index >= size) throw new RangeError(`Leaf ${index} is not in a tree of ${size} leaves`);
  if (size === 1) return [];
  const k = splitOf(size);
  return index < k ? [...pathRanges(index, k, start), [start + k, start + size]] : [...pathRanges(index - k, size - k, start + k), [start, start + k]];
}

/** Given leaf hashes and a leaf's index, returns its inclusion path (PATH(m, D[n])). */
export function inclusionPath(leaves: readonly Uint8Array[], index: number): Buffer[] {
  return pathRanges(index, leaves.length).map(([start, end]) => treeHash(leaves, start, end));
}

/** A node of a stored tree: the root of the 2^level leaves from index·2^level on. */
export interface NodeAddress {
  level: number;
  index: number;
}

/** A node and its hash. */
export interface TreeNode extends NodeAddress {
  hash: Buffer;
}

/**
 * Given a range of leaves [start, end), returns the stored nodes (complete subtrees) from which MTH of the range is
 * computed, left to right: the range itself when it is one, else those of its two halves as MTH splits it.
 */
export function rangeNodes(start: number, end: number): NodeAddress[] {
  const n = end - start;
  if (n <= 0) return [];
  if ((n & (n - 1)) === 0 && start % n === 0) return [{ level: Math.log2(n), index: start / n }];
  const k = splitOf(n);
  return [...rangeNodes(start, start + k), ...rangeNodes(start + k, end)];
}

/** Given a range of leaves and the stored nodes' hashes, returns MTH of the range. */
export function rangeHash(start: number, end: number, nodeAt: (address: NodeAddress) => Uint8Array): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_ROOT;
  if ((n & (n - 1)) === 0 && start % n === 0) return Buffer.from(nodeAt({ level: Math.log2(n), index: start / n }));
  const k = splitOf(n);
  return nodeHash(rangeHash(start, start + k, nodeAt), rangeHash(start + k, end, nodeAt));
}

/** Given a node, returns the key it is looked up by. */
export const nodeKey = (address: NodeAddress): string => `${address.level}:${address.index}`;

/**
 * A tree that grows a leaf at a time, holding its frontier only: the complete subtrees that cover its leaves,
 * largest first (one per bit of its size). Each append returns the nodes it completes, to be stored.
 */
export class TreeAppender {
  private readonly frontier: TreeNode[];

  /** Given a size and the hashes of rangeNodes(0, size), in order, continues that tree. */
  constructor(
    private count: number,
    frontierHashes: readonly Uint8Array[],
  ) {
    const addresses = rangeNodes(0, count);
    if (addresses.length !== frontierHashes.length)
      throw new Error(`A tree of ${count} leaves has ${addresses.length} frontier nodes, not ${frontierHashes.length}`);
    this.frontier = addresses.map((address, position) => ({ ...address, hash: Buffer.from(frontierHashes[position]!) }));
  }

  get size(): number {
    return this.count;
  }

  /** Given the next leaf hash, adds it; returns the nodes it completes, the leaf first. */
  append(leaf: Uint8Array): TreeNode[] {
    let node: TreeNode = { level: 0, index: this.count, hash: Buffer.from(leaf) };
    const completed = [node];
    while (node.index % 2 === 1) {
      const left = this.frontier.pop()!;
      node = { level: node.level + 1, index: (node.index - 1) / 2, hash: nodeHash(left.hash, node.hash) };
      completed.push(node);
    }
    this.frontier.push(node);
    this.count += 1;
    return completed;
  }

  /** Returns the frontier's hashes, rangeNodes(0, size) left to right: what the constructor continues from. */
  frontierHashes(): Buffer[] {
    return this.frontier.map((node) => node.hash);
  }

  /** Returns MTH of the leaves so far. */
  root(): Buffer {
    if (this.frontier.length === 0) return EMPTY_TREE_ROOT;
    let root = this.frontier[this.frontier.length - 1]!.hash;
    for (let position = this.frontier.length - 2; position >= 0; position -= 1) root = nodeHash(this.frontier[position]!.hash, root);
    return root;
  }
}

/**
 * Given an old tree size and a new one, returns the ranges whose MTH form the consistency proof from the old tree
 * to the new (PROOF(m, D[n]) of RFC 9162 §2.1.4.1), in its order; none from an empty tree or to the same size.
 */
export function consistencyRanges(oldSize: number, newSize: number): Array<[number, number]> {
  if (oldSize < 0 || oldSize > newSize) throw new RangeError(`No consistency proof from ${oldSize} leaves to ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, start: number, end: number, whole: boolean): Array<[number, number]> => {
    const n = end - start;
    if (m === n) return whole ? [] : [[start, end]];
    const k = splitOf(n);
    return m <= k ? [...subproof(m, start, start + k, whole), [start + k, end]] : [...subproof(m - k, start + k, end, false), [start, start + k]];
  };
  return subproof(oldSize, 0, newSize, true);
}
