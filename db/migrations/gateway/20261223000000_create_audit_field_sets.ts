import type { Knex } from 'knex';
import { createHash } from 'node:crypto';

/**
 * The fields a record's operation touched are indexed by set: every record names its field set (the SHA-256 of
 * its fields' coordinates and effects, in order), and the set's rows are written once for all the records that
 * share it. A gateway serves a few operations to a few agencies over and over, so a handful of sets stand for
 * millions of records, where one row per field and record (audit_fields) made the field index ten to forty times
 * the size of the trail. Existing records get their set, and the sets their rows, from the records themselves.
 */
export const name = '20261223000000_create_audit_field_sets';

/** Records read and updated at a time while existing trails are moved to field sets. */
const CHUNK = 1000;

interface StoredField {
  coordinate: string;
  effect: string;
}

/** Given a record's fields as JSON, returns its field set's key and rows, as records.ts computes them. */
function fieldSetOf(fieldsJson: string): { key: string; rows: Array<{ set_hash: string; coordinate: string; effect: string }> } {
  const fields = (JSON.parse(fieldsJson) as StoredField[]).map(({ coordinate, effect }) => ({ coordinate, effect }));
  const key = createHash('sha256')
    .update(JSON.stringify(fields.map(({ coordinate, effect }) => [coordinate, effect])), 'utf8')
    .digest('hex');
  return { key, rows: fields.map((field) => ({ set_hash: key, ...field })) };
}

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_field_sets', (table) => {
    table.string('set_hash', 64).notNullable();
    table.string('coordinate', 200).notNullable();
    table.string('effect', 10).notNullable();
    table.primary(['set_hash', 'coordinate']);
    // The stewards' queries by field find the sets holding it, then the records naming them.
    table.index(['coordinate'], 'audit_field_sets_coordinate_idx');
  });
  await db.schema.alterTable('audit_records', (table) => {
    table.string('field_set', 64).nullable();
  });
  const known = new Set<string>();
  let after: { instance: string; seq: number } | null = null;
  for (;;) {
    const query = db('audit_records')
      .select('instance', 'seq', 'fields_json')
      .orderBy([{ column: 'instance' }, { column: 'seq' }])
      .limit(CHUNK);
    if (after !== null) {
      const { instance, seq } = after;
      query.where((later) => later.where('instance', '>', instance).orWhere((same) => same.where('instance', instance).where('seq', '>', seq)));
    }
    const records = (await query) as Array<{ instance: string; seq: number | string; fields_json: string }>;
    if (records.length === 0) break;
    // The chunk's records by instance and set: one update per pair.
    const named = new Map<string, { instance: string; key: string; seqs: number[] }>();
    for (const record of records) {
      const { key, rows } = fieldSetOf(record.fields_json);
      if (!known.has(key)) {
        known.add(key);
        if (rows.length > 0) await db('audit_field_sets').insert(rows).onConflict(['set_hash', 'coordinate']).ignore();
      }
      const pair = `${record.instance}\n${key}`;
      const entry = named.get(pair);
      if (entry) entry.seqs.push(Number(record.seq));
      else named.set(pair, { instance: record.instance, key, seqs: [Number(record.seq)] });
    }
    for (const { instance, key, seqs } of named.values()) {
      await db('audit_records').where('instance', instance).whereIn('seq', seqs).update({ field_set: key });
    }
    const last = records[records.length - 1]!;
    after = { instance: last.instance, seq: Number(last.seq) };
  }
  await db.schema.dropTableIfExists('audit_fields');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.createTable('audit_fields', (table) => {
    table.string('instance', 64).notNullable();
    table.bigInteger('seq').notNullable();
    table.string('coordinate', 200).notNullable();
    table.string('effect', 10).notNullable();
    table.primary(['instance', 'seq', 'coordinate']);
    table.index(['coordinate'], 'audit_fields_coordinate_idx');
  });
  await db.raw(
    'insert into audit_fields (instance, seq, coordinate, effect) select r.instance, r.seq, f.coordinate, f.effect from audit_records r join audit_field_sets f on f.set_hash = r.field_set',
  );
  await db.schema.alterTable('audit_records', (table) => {
    table.dropColumn('field_set');
  });
  await db.schema.dropTableIfExists('audit_field_sets');
}
