import type { Knex } from 'knex';

/**
 * A citizen's request goes to the queue of the agency that answers for it: a contested access to the agency that
 * made it, a correction, restriction or objection to the agency owning the data it names. Requests made before
 * named no data: a dispute goes to the agency its access record names, the others to the province's central
 * data office (null), which sees every queue, as every steward answered every request until now.
 */
export const name = '20270901000010_route_citizen_requests_to_agencies';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('citizen_requests', (table) => {
    // The sector or the field (Type.field) a correction, restriction or objection is about; null for the others.
    table.string('concerns', 200).nullable();
    // The electronic agency code (agencies.code) whose queue answers it; null: the province's central data office.
    table.string('agency_code', 40).nullable();
    table.index(['agency_code', 'status', 'due_at'], 'citizen_requests_agency_queue_idx');
  });
  const disputes = (await db('citizen_requests').where('kind', 'DISPUTE').whereNotNull('record_reference').select('id', 'record_reference')) as Array<{
    id: number;
    record_reference: string;
  }>;
  for (const dispute of disputes) {
    const match = /^(.+):([0-9]+)$/.exec(dispute.record_reference);
    if (!match) continue;
    const access = (await db('audit_records')
      .where({ instance: match[1], seq: Number(match[2]) })
      .first('agency_code')) as { agency_code: string | null } | undefined;
    if (access?.agency_code) await db('citizen_requests').where('id', dispute.id).update({ agency_code: access.agency_code });
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('citizen_requests', (table) => {
    table.dropIndex(['agency_code', 'status', 'due_at'], 'citizen_requests_agency_queue_idx');
  });
  await db.schema.alterTable('citizen_requests', (table) => {
    table.dropColumn('agency_code');
    table.dropColumn('concerns');
  });
}
