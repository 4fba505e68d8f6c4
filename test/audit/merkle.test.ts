import {
  EMPTY_TREE_ROOT,
  TreeAppender,
  consistencyRanges,
  inclusionPath,
  leafHash,
  nodeKey,
  pathRanges,
  rangeHash,
  rangeNodes,
  treeHash,
} from '../../gateway/audit/merkle';
import type { NodeAddress, TreeNode } from '../../gateway/audit/merkle';
import { hexOf, rootFromInclusion, treeExtends } from '../../gateway/audit/proofCheck';

// The reference leaves and tree heads of RFC 6962/9162 Merkle trees (Certificate Transparency's test vectors).
const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) =>
  leafHash(Buffer.from(hex, 'hex')),
);
const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const REFERENCE_PATHS = [
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const REFERENCE_CONSISTENCY = [
  {
    from: 2,
    to: 8,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'],
  },
];

const syntheticLeaves = (count: number) => Array.from({ length: count }, (_, index) => leafHash(`record ${index}`));
const hexList = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('hex'));

/** Given leaves, returns every node of the complete subtrees over them, as a store holds them, built a leaf at a time. */
function storedNodes(leaves: readonly Buffer[]): Map<string, Buffer> {
  const appender = new TreeAppender(0, []);
  const nodes = new Map<string, Buffer>();
  for (const leaf of leaves) for (const node of appender.append(leaf)) nodes.set(nodeKey(node), node.hash);
  return nodes;
}

const expectIncluded = async (index: number, size: number, leaf: Buffer, path: string[], root: Buffer) =>
  expect(hexOf((await rootFromInclusion(index, size, leaf, path)) ?? new Uint8Array())).toBe(root.toString('hex'));

describe('merkle (RFC 9162 §2.1)', () => {
  it('gives the reference tree heads for sizes 0 to 8, and the empty root for no leaf', () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe(REFERENCE_ROOTS[0]);
    for (let size = 0; size <= 8; size += 1) expect(treeHash(REFERENCE_LEAVES.slice(0, size)).toString('hex')).toBe(REFERENCE_ROOTS[size]);
  });

  it('gives the reference inclusion paths, and they verify against the reference root', async () => {
    for (const { index, size, path } of REFERENCE_PATHS) {
      expect(hexList(inclusionPath(REFERENCE_LEAVES.slice(0, size), index))).toEqual(path);
      await expectIncluded(index, size, REFERENCE_LEAVES[index]!, path, Buffer.from(REFERENCE_ROOTS[size]!, 'hex'));
    }
  });

  it('grows a leaf at a time to the same root as MTH, and stores every complete subtree once', () => {
    const leaves = syntheticLeaves(70);
    const appender = new TreeAppender(0, []);
    const stored: TreeNode[] = [];
    for (let size = 1; size <= leaves.length; size += 1) {
      stored.push(...appender.append(leaves[size - 1]!));
      expect(appender.root().toString('hex')).toBe(treeHash(leaves.slice(0, size)).toString('hex'));
    }
    // 70 leaves: 70 + 35 + 17 + 8 + 4 + 2 + 1 complete subtrees.
    expect(stored).toHaveLength(137);
    expect(new Set(stored.map(nodeKey)).size).toBe(137);
    for (const node of stored) {
      const width = 2 ** node.level;
      expect(node.hash.toString('hex')).toBe(treeHash(leaves, node.index * width, (node.index + 1) * width).toString('hex'));
    }
  });

  it('continues a tree from its stored frontier as if it had never stopped', () => {
    const leaves = syntheticLeaves(45);
    const nodes = storedNodes(leaves.slice(0, 29));
    const frontier = rangeNodes(0, 29).map((address: NodeAddress) => nodes.get(nodeKey(address))!);
    const resumed = new TreeAppender(29, frontier);
    for (const leaf of leaves.slice(29)) resumed.append(leaf);
    expect(resumed.size).toBe(45);
    expect(resumed.root().toString('hex')).toBe(treeHash(leaves).toString('hex'));
    expect(() => new TreeAppender(29, frontier.slice(1))).toThrow(/frontier/);
  });

  it('computes every inclusion path of every leaf of trees of 1 to 40 leaves from stored nodes alone, and each verifies', async () => {
    const leaves = syntheticLeaves(40);
    const nodes = storedNodes(leaves);
    for (let size = 1; size <= leaves.length; size += 1) {
      const root = treeHash(leaves.slice(0, size));
      expect(rangeHash(0, size, (address) => nodes.get(nodeKey(address))!).toString('hex')).toBe(root.toString('hex'));
      for (let index = 0; index < size; index += 1) {
        const path = pathRanges(index, size).map(([start, end]) => rangeHash(start, end, (address) => nodes.get(nodeKey(address))!).toString('hex'));
        expect(path).toEqual(hexList(inclusionPath(leaves.slice(0, size), index)));
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        await expectIncluded(index, size, leaves[index]!, path, root);
      }
    }
  });

  it('fails a changed leaf, a changed path, a path of another length, another index or size, or another root', async () => {
    const leaves = syntheticLeaves(13);
    const root = treeHash(leaves).toString('hex');
    const rootOf = async (index: number, size: number, leaf: Buffer, path: string[]) => {
      const computed = await rootFromInclusion(index, size, leaf, path);
      return computed === null ? null : hexOf(computed);
    };
    for (let index = 0; index < 13; index += 1) {
      const path = hexList(inclusionPath(leaves, index));
      expect(await rootOf(index, 13, leaves[index]!, path)).toBe(root);
      expect(await rootOf(index, 13, leafHash('changed'), path)).not.toBe(root);
      for (let position = 0; position < path.length; position += 1) {
        const tampered = [...path];
        tampered[position] = `${tampered[position]!.slice(0, 63)}${tampered[position]!.endsWith('0') ? '1' : '0'}`;
        expect(await rootOf(index, 13, leaves[index]!, tampered)).not.toBe(root);
      }
      expect(await rootOf(index, 13, leaves[index]!, path.slice(0, -1))).not.toBe(root);
      expect(await rootOf(index, 13, leaves[index]!, [...path, path[0]!])).not.toBe(root);
      expect(await rootOf((index + 1) % 13, 13, leaves[index]!, path)).not.toBe(root);
      // The size is bound by the signed tree head; a size that gives the path another shape fails here already.
      if (index >= 12) expect(await rootOf(index, 16, leaves[index]!, path)).not.toBe(root);
      expect(await rootOf(index, 13, leaves[index]!, path)).not.toBe(treeHash(leaves.slice(0, 12)).toString('hex'));
    }
    expect(await rootOf(13, 13, leaves[0]!, [])).toBeNull();
    expect(await rootOf(-1, 13, leaves[0]!, [])).toBeNull();
    expect(await rootOf(0, 1, leaves[0]!, ['zz'])).toBeNull();
    expect(() => pathRanges(13, 13)).toThrow(RangeError);
  });

  it('gives the reference consistency proofs, and every proof between trees of 0 to 24 leaves verifies, a changed one or a rewritten tree never', async () => {
    const proofOf = (leaves: readonly Buffer[], from: number, to: number) =>
      consistencyRanges(from, to).map(([start, end]) => treeHash(leaves, start, end).toString('hex'));
    for (const { from, to, proof } of REFERENCE_CONSISTENCY) {
      expect(proofOf(REFERENCE_LEAVES, from, to)).toEqual(proof);
      expect(await treeExtends(from, to, REFERENCE_ROOTS[from]!, REFERENCE_ROOTS[to]!, proof)).toBe(true);
    }
    const leaves = syntheticLeaves(24);
    const rewritten = [...leaves];
    rewritten[3] = leafHash('rewritten');
    const root = (size: number, of = leaves) => treeHash(of.slice(0, size)).toString('hex');
    for (let to = 0; to <= 24; to += 1) {
      for (let from = 0; from <= to; from += 1) {
        const proof = proofOf(leaves, from, to);
        expect(await treeExtends(from, to, root(from), root(to), proof)).toBe(true);
        if (from === 0 || from === to) continue;
        expect(await treeExtends(from, to, root(from), root(to, rewritten), proofOf(rewritten, from, to))).toBe(from <= 3);
        for (let position = 0; position < proof.length; position += 1) {
          const tampered = [...proof];
          tampered[position] = leafHash(`tampered ${position}`).toString('hex');
          expect(await treeExtends(from, to, root(from), root(to), tampered)).toBe(false);
        }
        expect(await treeExtends(from, to, root(from), root(to), proof.slice(0, -1))).toBe(false);
      }
    }
    expect(await treeExtends(5, 4, root(5), root(4), [])).toBe(false);
    expect(await treeExtends(4, 4, root(4), root(5), [])).toBe(false);
  });
});
