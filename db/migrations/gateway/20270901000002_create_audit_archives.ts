import type { Knex } from 'knex';

/**
 * The signed manifests of archived audit months: per instance and month, the seqs that left the database, the chain's
 * hash before the first and at the last, their count and the SHA-256 of the archive file that holds them, signed with
 * the gateway's audit key, with the Merkle tree's frontier at its last seq (the hashes of its complete subtrees,
 * RFC 9162), so that the verifier goes on checking the signed tree heads after it. The verifier crosses an archived
 * range on them. Not partitioned: a few rows a month.
 */
export const name = '20270901000002_create_audit_archives';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_archives', (table) => {
    table.string('instance', 64).notNullable();
    table.string('month', 7).notNullable();
    table.bigInteger('first_seq').notNullable();
    table.bigInteger('last_seq').notNullable();
    table.string('start_hash', 64).notNullable();
    table.string('end_hash', 64).notNullable();
    table.bigInteger('record_count').notNullable();
    table.string('file_digest', 64).notNullable();
    table.text('tree_frontier').notNullable();
    table.string('archived_at', 30).notNullable();
    table.string('key_id', 16).notNullable();
    table.text('signature').notNullable();
    table.primary(['instance', 'month']);
    table.unique(['instance', 'first_seq']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_archives');
}
