import type { Knex } from 'knex';
import type { CollectedFieldRow, SharingRequestPartRow, SharingRequestRow } from '../../db/gatewayRows';
import type { Purpose } from '../policy/types';
import type { SharingAnswer, SharingPartStatus, SharingRequest, SharingRequestPart, SharingRequestStatus } from './sharingTypes';
import { requestAnsweredAt, requestStatusOf } from './sharingTypes';

const toPart = (row: SharingRequestPartRow): SharingRequestPart => ({
  ownerCode: row.owner_code,
  fields: JSON.parse(row.fields) as string[],
  status: row.status as SharingPartStatus,
  deadlineAt: row.deadline_at,
  answeredAt: row.answered_at,
  answeredBy: row.answered_by,
  refusalReason: row.refusal_reason,
  refusalLegalBasis: row.refusal_legal_basis,
  answer: row.answer_json === null ? null : (JSON.parse(row.answer_json) as SharingAnswer),
});

/** Given a part, returns the columns of its answer. */
const answerColumns = (part: SharingRequestPart) => ({
  status: part.status,
  deadline_at: part.deadlineAt,
  answered_at: part.answeredAt,
  answered_by: part.answeredBy,
  refusal_reason: part.refusalReason,
  refusal_legal_basis: part.refusalLegalBasis,
  answer_json: part.answer === null ? null : JSON.stringify(part.answer),
});

const toRequest = (row: SharingRequestRow, parts: SharingRequestPart[]): SharingRequest => ({
  id: String(row.id),
  requesterCode: row.requester_code,
  fields: JSON.parse(row.fields) as string[],
  purposes: JSON.parse(row.purposes) as Purpose[],
  legalBasis: row.legal_basis,
  scopeUnitCodes: row.scope_unit_codes === null ? null : (JSON.parse(row.scope_unit_codes) as string[]),
  procedure: row.procedure,
  ownerCodes: parts.map((part) => part.ownerCode),
  status: row.status as SharingRequestStatus,
  filedAt: row.filed_at,
  deadlineAt: row.deadline_at,
  answeredAt: row.answered_at,
  parts,
});

/** What filters the list of sharing requests; a criterion left out matches every request. */
export interface SharingRequestFilter {
  requesterCode?: string | null;
  /** Requests with a part for data this agency owns: its stewards' queue. */
  ownerCode?: string | null;
  /** The request's derived status. */
  status?: SharingRequestStatus | null;
}

/** The queries of sharing requests, their owners' parts and the fields agencies' forms collect: the only module that holds their SQL. */
export class SharingRepository {
  constructor(private readonly db: Knex) {}

  /** Given a request without its id, stores it with its parts and returns the id given to it. */
  async insertRequest(request: Omit<SharingRequest, 'id'>): Promise<string> {
    const [id] = await this.db<SharingRequestRow>('sharing_requests').insert({
      requester_code: request.requesterCode,
      fields: JSON.stringify(request.fields),
      purposes: JSON.stringify(request.purposes),
      legal_basis: request.legalBasis,
      scope_unit_codes: request.scopeUnitCodes === null ? null : JSON.stringify(request.scopeUnitCodes),
      procedure: request.procedure,
      owner_codes: JSON.stringify(request.ownerCodes),
      status: request.status,
      filed_at: request.filedAt,
      deadline_at: request.deadlineAt,
      answered_at: null,
      answered_by: null,
      refusal_reason: null,
      refusal_legal_basis: null,
      answer_json: null,
    });
    await this.db<SharingRequestPartRow>('sharing_request_parts').insert(
      request.parts.map((part) => ({ request_id: Number(id), owner_code: part.ownerCode, fields: JSON.stringify(part.fields), ...answerColumns(part) })),
    );
    return String(id);
  }

  /** Given a request and one of its parts as it now stands, writes the part's answer and the request's derived status. */
  async updatePart(request: SharingRequest, part: SharingRequestPart): Promise<void> {
    await this.db<SharingRequestPartRow>('sharing_request_parts')
      .where({ request_id: Number(request.id), owner_code: part.ownerCode })
      .update(answerColumns(part));
    const parts = request.parts.map((other) => (other.ownerCode === part.ownerCode ? part : other));
    await this.db<SharingRequestRow>('sharing_requests')
      .where('id', Number(request.id))
      .update({ status: requestStatusOf(parts), answered_at: requestAnsweredAt(parts) });
  }

  private async withParts(rows: SharingRequestRow[]): Promise<SharingRequest[]> {
    if (rows.length === 0) return [];
    const byRequest = new Map<number, SharingRequestPart[]>();
    // One query for every request's parts, in chunks that stay under the engines' bound-parameter limits.
    for (let index = 0; index < rows.length; index += 500) {
      const ids = rows.slice(index, index + 500).map((row) => row.id);
      const parts = await this.db<SharingRequestPartRow>('sharing_request_parts')
        .whereIn('request_id', ids)
        .orderBy([{ column: 'request_id' }, { column: 'owner_code' }]);
      for (const part of parts) byRequest.set(part.request_id, [...(byRequest.get(part.request_id) ?? []), toPart(part)]);
    }
    return rows.map((row) => toRequest(row, byRequest.get(row.id) ?? []));
  }

  async requestById(id: string): Promise<SharingRequest | null> {
    if (!/^\d{1,9}$/.test(id)) return null;
    const row = await this.db<SharingRequestRow>('sharing_requests').where('id', Number(id)).first();
    return row ? (await this.withParts([row]))[0]! : null;
  }

  /** Given a filter, returns the requests it selects, oldest deadline first. */
  async requests(filter: SharingRequestFilter = {}): Promise<SharingRequest[]> {
    const query = this.db<SharingRequestRow>('sharing_requests').orderBy([{ column: 'deadline_at' }, { column: 'id' }]);
    if (filter.requesterCode) query.where('requester_code', filter.requesterCode);
    if (filter.status) query.where('status', filter.status);
    if (filter.ownerCode)
      query.whereIn('id', this.db<SharingRequestPartRow>('sharing_request_parts').select('request_id').where('owner_code', filter.ownerCode));
    return this.withParts(await query);
  }

  /**
   * Given an instant, returns how many requests have a part waiting for its owner's answer past that part's
   * deadline: the overdue gauge counts requests, not parts (a request late for two owners counts once).
   */
  async countOverdueSharingRequests(now: Date): Promise<number> {
    const row = (await this.db('sharing_request_parts')
      .where('status', 'PENDING')
      .where('deadline_at', '<', now.toISOString())
      .countDistinct({ count: 'request_id' })
      .first()) as { count: number | string } | undefined;
    return Number(row?.count ?? 0);
  }

  /** Returns the fields each agency's own forms collect, by agency code. */
  async collectedFields(): Promise<Map<string, string[]>> {
    const rows = await this.db<CollectedFieldRow>('agency_collected_fields').orderBy([{ column: 'agency_code' }, { column: 'coordinate' }]);
    const byAgency = new Map<string, string[]>();
    for (const row of rows) byAgency.set(row.agency_code, [...(byAgency.get(row.agency_code) ?? []), row.coordinate]);
    return byAgency;
  }

  /** Given an agency and the fields its forms collect, replaces the list declared for it. */
  async replaceCollectedFields(agencyCode: string, coordinates: readonly string[]): Promise<void> {
    await this.db('agency_collected_fields').where('agency_code', agencyCode).delete();
    if (coordinates.length > 0)
      await this.db<CollectedFieldRow>('agency_collected_fields').insert(coordinates.map((coordinate) => ({ agency_code: agencyCode, coordinate })));
  }
}

/**
 * Given the gateway's database and an instant, returns how many sharing requests wait for an answer past their
 * legal deadline: for the operators' gauge.
 */
export function countOverdueSharingRequests(db: Knex, now: Date): Promise<number> {
  return new SharingRepository(db).countOverdueSharingRequests(now);
}
