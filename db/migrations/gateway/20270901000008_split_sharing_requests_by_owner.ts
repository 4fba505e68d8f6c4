import type { Knex } from 'knex';
import fs from 'node:fs';
import { buildCatalog } from '../../../gateway/policy/catalog';
import type { SchemaCatalog } from '../../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../../schema/load';
import { requestAnsweredAt, requestStatusOf } from '../../../gateway/store/sharingTypes';
import type { SharingAnswer, SharingRequestPart } from '../../../gateway/store/sharingTypes';

/**
 * Each owner agency answers its own part of a sharing request (Decree 47/2020 as amended, Art. 16): a request
 * gets one part per owner, with the requested fields of the owner's sector, its own status, deadline and answer.
 * An existing request is split: pending, its parts are pending; refused (a refusal then closed the whole request),
 * every part is refused with its reason; approved, the parts whose fields the approval kept are approved with
 * their share of it and its grants, and the others, which nobody answered, are pending, due by the request's
 * deadline. The request's status is then derived from its parts (PARTLY_APPROVED when mixed).
 */
export const name = '20270901000008_split_sharing_requests_by_owner';

interface LegacyRow {
  id: number;
  fields: string;
  owner_codes: string;
  status: string;
  deadline_at: string;
  answered_at: string | null;
  answered_by: string | null;
  refusal_reason: string | null;
  refusal_legal_basis: string | null;
  answer_json: string | null;
}

/** The shipped schema's catalog, to tell which sector owns a requested field; null when it cannot be read. */
function shippedCatalog(): SchemaCatalog | null {
  try {
    return buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Given a request's fields, its owners with their sectors and the catalog, returns each owner's fields. A field the
 * catalog does not place (a schema changed since) goes to every owner, so that no field is left unanswered.
 */
export function fieldsByOwner(
  fields: readonly string[],
  owners: readonly { code: string; sector: string | null }[],
  catalog: SchemaCatalog | null,
): Map<string, string[]> {
  const byOwner = new Map(owners.map((owner) => [owner.code, [] as string[]]));
  for (const coordinate of fields) {
    const sector = owners.length === 1 ? owners[0]!.sector : (catalog?.fields.get(coordinate)?.owner ?? null);
    const placed = owners.filter((owner) => owners.length === 1 || (sector !== null && owner.sector === sector));
    for (const owner of placed.length > 0 ? placed : owners) byOwner.get(owner.code)!.push(coordinate);
  }
  return byOwner;
}

async function grantTargets(db: Knex, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('grants').whereIn('id', ids.map(Number)).select('id', 'target')) as { id: number; target: string }[];
  return new Map(rows.map((row) => [String(row.id), row.target]));
}

/** Given an existing request, returns its parts with its single decision applied to the parts it covered. */
async function partsOf(db: Knex, row: LegacyRow, sectors: Map<string, string | null>, catalog: SchemaCatalog | null): Promise<SharingRequestPart[]> {
  const owners = (JSON.parse(row.owner_codes) as string[]).map((code) => ({ code, sector: sectors.get(code) ?? null }));
  const byOwner = fieldsByOwner(JSON.parse(row.fields) as string[], owners, catalog);
  const answer = row.answer_json === null ? null : (JSON.parse(row.answer_json) as SharingAnswer);
  const targets = await grantTargets(db, answer?.grantIds ?? []);
  return owners.map(({ code }): SharingRequestPart => {
    const fields = byOwner.get(code)!;
    const pending: SharingRequestPart = {
      ownerCode: code,
      fields,
      status: 'PENDING',
      deadlineAt: row.deadline_at,
      answeredAt: null,
      answeredBy: null,
      refusalReason: null,
      refusalLegalBasis: null,
      answer: null,
    };
    const answered = { ...pending, answeredAt: row.answered_at, answeredBy: row.answered_by };
    if (row.status === 'REFUSED') return { ...answered, status: 'REFUSED', refusalReason: row.refusal_reason, refusalLegalBasis: row.refusal_legal_basis };
    if (row.status !== 'APPROVED' || answer === null) return pending;
    const kept = answer.fields.filter((coordinate) => fields.includes(coordinate));
    if (kept.length === 0) return pending;
    const grantIds = answer.grantIds.filter((id) => {
      const target = targets.get(id);
      return target === undefined ? owners.length === 1 : kept.includes(target);
    });
    return { ...answered, status: 'APPROVED', answer: { ...answer, fields: kept, grantIds } };
  });
}

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sharing_request_parts', (table) => {
    table.integer('request_id').unsigned().notNullable().references('id').inTable('sharing_requests');
    table.string('owner_code', 40).notNullable().references('code').inTable('agencies');
    // JSON array: the requested fields of the owner's sector.
    table.text('fields').notNullable();
    // PENDING, APPROVED or REFUSED.
    table.string('status', 20).notNullable();
    table.string('deadline_at', 24).notNullable();
    table.string('answered_at', 24).nullable();
    table.string('answered_by', 220).nullable();
    table.string('refusal_reason', 1000).nullable();
    table.string('refusal_legal_basis', 60).nullable();
    // What the owner's approval granted: JSON of { fields, purposes, scopeUnitCodes, grantIds }.
    table.text('answer_json').nullable();
    table.primary(['request_id', 'owner_code']);
    table.index(['owner_code'], 'sharing_request_parts_owner_idx');
    table.index(['status', 'deadline_at'], 'sharing_request_parts_status_idx');
  });
  const requests = (await db('sharing_requests').orderBy('id')) as LegacyRow[];
  if (requests.length === 0) return;
  const agencies = (await db('agencies').select('code', 'sector')) as { code: string; sector: string | null }[];
  const sectors = new Map(agencies.map((agency) => [agency.code, agency.sector]));
  const catalog = shippedCatalog();
  for (const row of requests) {
    const parts = await partsOf(db, row, sectors, catalog);
    if (parts.length === 0) continue;
    await db('sharing_request_parts').insert(
      parts.map((part) => ({
        request_id: row.id,
        owner_code: part.ownerCode,
        fields: JSON.stringify(part.fields),
        status: part.status,
        deadline_at: part.deadlineAt,
        answered_at: part.answeredAt,
        answered_by: part.answeredBy,
        refusal_reason: part.refusalReason,
        refusal_legal_basis: part.refusalLegalBasis,
        answer_json: part.answer === null ? null : JSON.stringify(part.answer),
      })),
    );
    await db('sharing_requests')
      .where('id', row.id)
      .update({ status: requestStatusOf(parts), answered_at: requestAnsweredAt(parts) });
  }
}

/**
 * Back to one answer per request, as the single answer closed a request: approved when any owner approved (the
 * approved parts' fields and grants together), else refused when any refused (the first refusal), else pending.
 */
export async function down(db: Knex): Promise<void> {
  const rows = (await db('sharing_request_parts').orderBy([{ column: 'request_id' }, { column: 'owner_code' }])) as {
    request_id: number;
    status: string;
    answered_at: string | null;
    answered_by: string | null;
    refusal_reason: string | null;
    refusal_legal_basis: string | null;
    answer_json: string | null;
  }[];
  const byRequest = new Map<number, typeof rows>();
  for (const row of rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row]);
  for (const [id, parts] of byRequest) {
    const approved = parts.filter((part) => part.status === 'APPROVED' && part.answer_json !== null);
    const refused = parts.find((part) => part.status === 'REFUSED');
    if (approved.length > 0) {
      const answers = approved.map((part) => JSON.parse(part.answer_json!) as SharingAnswer);
      const answer = { ...answers[0]!, fields: answers.flatMap((one) => one.fields), grantIds: answers.flatMap((one) => one.grantIds) };
      await db('sharing_requests')
        .where('id', id)
        .update({
          status: 'APPROVED',
          answered_at: approved[0]!.answered_at,
          answered_by: approved[0]!.answered_by,
          refusal_reason: null,
          refusal_legal_basis: null,
          answer_json: JSON.stringify(answer),
        });
    } else if (refused) {
      await db('sharing_requests').where('id', id).update({
        status: 'REFUSED',
        answered_at: refused.answered_at,
        answered_by: refused.answered_by,
        refusal_reason: refused.refusal_reason,
        refusal_legal_basis: refused.refusal_legal_basis,
        answer_json: null,
      });
    } else await db('sharing_requests').where('id', id).update({ status: 'PENDING', answered_at: null });
  }
  await db.schema.dropTableIfExists('sharing_request_parts');
}
