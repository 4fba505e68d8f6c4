import type { Knex } from 'knex';
import type { AuditTreeHeadRow, AuditTreeNodeRow } from '../../db/gatewayRows';
import { checkpointOf } from './checkpoints';
import type { NodeAddress, TreeNode } from './merkle';
import { nodeKey } from './merkle';
import type { Cosignature } from './proofCheck';
import type { Checkpoint } from './types';

/** The tree's tables, for whoever empties an instance's trail (tests, the bench). */
export const AUDIT_TREE_TABLES = ['audit_tree_heads', 'audit_tree_nodes'] as const;

/** Rows per INSERT: 4 values each, well within both engines' bound-value limits. */
const NODES_PER_INSERT = 500;

/** A signed tree head as stored: the checkpoint and the countersignatures its witnesses returned. */
export interface StoredTreeHead {
  checkpoint: Checkpoint;
  cosignatures: Cosignature[];
}

function headOf(row: AuditTreeHeadRow): StoredTreeHead {
  const checkpoint = checkpointOf(JSON.parse(row.checkpoint_json));
  if (typeof checkpoint === 'string') throw new Error(`A stored tree head of ${row.instance} is ${checkpoint}`);
  return { checkpoint, cosignatures: JSON.parse(row.cosignatures_json) as Cosignature[] };
}

/** The Merkle tree's queries: its nodes and its signed heads, per instance. */
export class TreeRepository {
  constructor(private readonly db: Knex) {}

  /** Given an instance, returns how many leaves its stored tree holds. */
  async size(instance: string): Promise<number> {
    const row = (await this.db('audit_tree_nodes').where({ instance, level: 0 }).max({ last: 'node_index' }).first()) as
      { last: number | string | null } | undefined;
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
  }

  /** Given an instance and nodes, returns the hashes of those stored, by nodeKey. */
  async nodes(instance: string, addresses: readonly NodeAddress[]): Promise<Map<string, Buffer>> {
    const byLevel = new Map<number, Set<number>>();
    for (const { level, index } of addresses) byLevel.set(level, (byLevel.get(level) ?? new Set()).add(index));
    const found = new Map<string, Buffer>();
    if (byLevel.size === 0) return found;
    // One lookup by key per level: an OR over the levels would have an engine scan the instance's tree.
    const rows = (
      await Promise.all(
        [...byLevel].map(
          ([level, indexes]) =>
            this.db('audit_tree_nodes')
              .where({ instance, level })
              .whereIn('node_index', [...indexes])
              .select('level', 'node_index', 'hash') as Promise<AuditTreeNodeRow[]>,
        ),
      )
    ).flat();
    for (const row of rows) found.set(nodeKey({ level: Number(row.level), index: Number(row.node_index) }), Buffer.from(row.hash, 'hex'));
    return found;
  }

  /** Given an instance and the nodes a growth completed, stores them all, or none. */
  async appendNodes(instance: string, nodes: readonly TreeNode[]): Promise<void> {
    const rows = nodes.map((node) => ({ instance, level: node.level, node_index: node.index, hash: node.hash.toString('hex') }));
    await this.db.transaction(async (transaction) => {
      for (let start = 0; start < rows.length; start += NODES_PER_INSERT)
        await transaction('audit_tree_nodes').insert(rows.slice(start, start + NODES_PER_INSERT));
    });
  }

  /** Given an instance, removes its tree (a tree that is not of its chain any more), its heads with it. */
  async clear(instance: string): Promise<void> {
    await this.db.transaction(async (transaction) => {
      for (const table of AUDIT_TREE_TABLES) await transaction(table).where('instance', instance).delete();
    });
  }

  /** Given a checkpoint that signs a tree head and its countersignatures, keeps it; a later one of the same size replaces it. */
  async saveHead(checkpoint: Checkpoint, cosignatures: readonly Cosignature[]): Promise<void> {
    if (checkpoint.treeSize === undefined) return;
    await this.db('audit_tree_heads')
      .insert({
        instance: checkpoint.instance,
        tree_size: checkpoint.treeSize,
        checkpoint_json: JSON.stringify(checkpoint),
        cosignatures_json: JSON.stringify(cosignatures),
        cosignature_count: cosignatures.length,
      })
      .onConflict(['instance', 'tree_size'])
      .merge();
  }

  /**
   * Given an instance, returns the head to prove its records against: the largest one a witness countersigned,
   * unless a larger one none did covers more records (witnesses then lag behind), and that one; null when none.
   */
  async provingHeads(instance: string): Promise<{ latest: StoredTreeHead | null; countersigned: StoredTreeHead | null }> {
    const latest = (await this.db('audit_tree_heads').where('instance', instance).orderBy('tree_size', 'desc').first()) as AuditTreeHeadRow | undefined;
    const countersigned =
      latest && latest.cosignature_count === 0
        ? ((await this.db('audit_tree_heads').where('instance', instance).where('cosignature_count', '>', 0).orderBy('tree_size', 'desc').first()) as
            AuditTreeHeadRow | undefined)
        : latest;
    return { latest: latest ? headOf(latest) : null, countersigned: countersigned ? headOf(countersigned) : null };
  }
}
