import type { Knex } from 'knex';

/**
 * Stewards as persons: their accounts (name, unit, e-mail, roles, a scrypt password hash and a TOTP secret),
 * their console sessions, and the person, role and reason of every recorded change.
 */
export const name = '20270101000000_create_steward_accounts';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('steward_accounts', (table) => {
    table.increments('id').primary();
    table.string('email', 200).notNullable().unique('steward_accounts_email_unique');
    table.string('name', 200).notNullable();
    table.string('unit', 200).notNullable();
    // A short list read whole with the account: ["POLICY_STEWARD", "AUDITOR"].
    table.string('roles', 200).notNullable();
    // scrypt$N$r$p$salt$hash (base64url); null for an account that signs in through the identity provider only.
    table.string('password_hash', 200).nullable();
    // Base32 TOTP secret; null until the second factor is set.
    table.string('totp_secret', 64).nullable();
    // The 30 s step of the last code accepted: a code is good once, so one seen over a shoulder cannot be replayed.
    table.bigInteger('totp_last_step').nullable();
    // The identity provider's subject, for OpenID Connect sign-in.
    table.string('oidc_subject', 200).nullable();
    table.string('disabled_at', 24).nullable();
    table.string('created_at', 24).notNullable();
    table.string('updated_at', 24).notNullable();
  });
  await db.schema.createTable('steward_sessions', (table) => {
    // SHA-256 of the cookie's secret, hex: a database read does not give a session away.
    table.string('id', 64).primary();
    table.integer('account_id').unsigned().notNullable().references('id').inTable('steward_accounts');
    table.string('csrf_token', 64).notNullable();
    table.string('created_at', 24).notNullable();
    table.string('expires_at', 24).notNullable();
    table.string('revoked_at', 24).nullable();
    table.index(['account_id'], 'steward_sessions_account_idx');
  });
  await db.schema.alterTable('policy_changes', (table) => {
    table.string('actor_role', 40).nullable();
    table.string('reason', 500).nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('policy_changes', (table) => {
    table.dropColumn('reason');
    table.dropColumn('actor_role');
  });
  await db.schema.dropTableIfExists('steward_sessions');
  await db.schema.dropTableIfExists('steward_accounts');
}
