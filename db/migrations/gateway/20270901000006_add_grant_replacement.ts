import type { Knex } from 'knex';

/**
 * A grant may be made in place of another (a change of its terms): grants.replaces_grant_id names the grant it takes
 * the place of. A replacement that needs no review revokes that grant in the same transaction; one on sensitive data
 * waits for a second steward while the old grant stays in force, and its approval revokes the old one. The history's
 * entry of a replacement names both: the new grant as its entity, the old one as policy_changes.related_entity_id.
 */
export const name = '20270901000006_add_grant_replacement';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('grants', (table) => {
    table.integer('replaces_grant_id').nullable();
    table.index(['replaces_grant_id'], 'grants_replaces_grant_idx');
  });
  await db.schema.alterTable('policy_changes', (table) => {
    table.string('related_entity_id', 60).nullable();
    table.index(['entity_type', 'related_entity_id'], 'policy_changes_related_entity_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('policy_changes', (table) => {
    table.dropIndex(['entity_type', 'related_entity_id'], 'policy_changes_related_entity_idx');
    table.dropColumn('related_entity_id');
  });
  await db.schema.alterTable('grants', (table) => {
    table.dropIndex(['replaces_grant_id'], 'grants_replaces_grant_idx');
    table.dropColumn('replaces_grant_id');
  });
}
