import type { Knex } from 'knex';

/**
 * One row per gateway instance (GATEWAY_INSTANCE), the last time it said it was running: the replicas count the live
 * ones to share a quota while Redis is down (gateway/quotas/replicaHeartbeat.ts).
 */
export const name = '20270901000003_create_gateway_heartbeats';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('gateway_heartbeats', (table) => {
    table.string('instance', 64).primary();
    table.string('seen_at', 30).notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('gateway_heartbeats');
}
