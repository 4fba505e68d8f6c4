import type { Knex } from 'knex';

/**
 * Citizens who asked to be told of new accesses (citizen_notification_preferences), and the outbox a notification
 * service reads (citizen_notifications): one row per opted-in citizen and record, written when the record is
 * indexed, in the index's own transaction, so each access is notified once per citizen (the primary key) and
 * never lost (a record is indexed until it is). acknowledged_at is set by the service once it has delivered.
 */
export const name = '20270901000001_create_citizen_notifications';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('citizen_notification_preferences', (table) => {
    table.string('national_id', 12).primary();
    table.boolean('notify').notNullable();
    table.string('changed_at', 30).notNullable();
  });
  await db.schema.createTable('citizen_notifications', (table) => {
    table.string('instance', 64).notNullable();
    table.bigInteger('seq').notNullable();
    table.string('national_id', 12).notNullable();
    table.string('recorded_at', 30).notNullable();
    table.string('agency_code', 40).nullable();
    table.string('acknowledged_at', 30).nullable();
    table.primary(['instance', 'seq', 'national_id']);
    table.index(['acknowledged_at', 'recorded_at'], 'citizen_notifications_pending');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('citizen_notifications');
  await db.schema.dropTable('citizen_notification_preferences');
}
