import type { Knex } from 'knex';

/**
 * The Merkle tree over each instance's audit records (RFC 9162 §2.1; leaves in gateway/audit/recordLeaf.ts):
 * every complete subtree's hash, by level and index, so that an inclusion proof is a few lookups by key, never a
 * read of the records; and the tree heads signed by the gateway's checkpoints with the witnesses'
 * countersignatures, which a proof ends at. Both are derived from the records and the checkpoints: the verifier
 * recomputes the tree from the records, and a proof checks itself against the pinned keys.
 */
export const name = '20270901000007_create_audit_tree';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_tree_nodes', (table) => {
    table.string('instance', 64).notNullable();
    // Level 0 holds the leaves; a node of level l covers 2^l records.
    table.integer('level').notNullable();
    table.bigInteger('node_index').notNullable();
    table.string('hash', 64).notNullable();
    table.primary(['instance', 'level', 'node_index']);
  });
  await db.schema.createTable('audit_tree_heads', (table) => {
    table.string('instance', 64).notNullable();
    table.bigInteger('tree_size').notNullable();
    // The signed checkpoint, and the countersignatures the witnesses returned for it: JSON.
    table.text('checkpoint_json').notNullable();
    table.text('cosignatures_json').notNullable();
    table.integer('cosignature_count').notNullable();
    table.primary(['instance', 'tree_size']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_tree_heads');
  await db.schema.dropTableIfExists('audit_tree_nodes');
}
