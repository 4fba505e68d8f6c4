import type { Knex } from 'knex';
import type { CollectedFieldRow, SharingRequestRow } from '../../db/gatewayRows';
import type { Purpose } from '../policy/types';
import type { SharingAnswer, SharingRequest, SharingRequestStatus } from './sharingTypes';

const toRequest = (row: SharingRequestRow): SharingRequest => ({
  id: String(row.id),
  requesterCode: row.requester_code,
  fields: JSON.parse(row.fields) as string[],
  purposes: JSON.parse(row.purposes) as Purpose[],
  legalBasis: row.legal_basis,
  scopeUnitCodes: row.scope_unit_codes === null ? null : (JSON.parse(row.scope_unit_codes) as string[]),
  procedure: row.procedure,
  ownerCodes: JSON.parse(row.owner_codes) as string[],
  status: row.status as SharingRequestStatus,
  filedAt: row.filed_at,
  deadlineAt: row.deadline_at,
  answeredAt: row.answered_at,
  answeredBy: row.answered_by,
  refusalReason: row.refusal_reason,
  refusalLegalBasis: row.refusal_legal_basis,
  answer: row.answer_json === null ? null : (JSON.parse(row.answer_json) as SharingAnswer),
});

/** What filters the list of sharing requests; a criterion left out matches every request. */
export interface SharingRequestFilter {
  requesterCode?: string | null;
  /** Requests for data this agency owns: its stewards' queue. */
  ownerCode?: string | null;
  status?: SharingRequestStatus | null;
}

/** The queries of sharing requests and of the fields agencies' forms collect: the only module that holds their SQL. */
export class SharingRepository {
  constructor(private readonly db: Knex) {}

  /** Given a request without its id, stores it and returns the id given to it. */
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
    return String(id);
  }

  /** Given a request as it now stands, writes its answer (status, who, when, reason, what was granted). */
  async updateAnswer(request: SharingRequest): Promise<void> {
    await this.db<SharingRequestRow>('sharing_requests')
      .where('id', Number(request.id))
      .update({
        status: request.status,
        answered_at: request.answeredAt,
        answered_by: request.answeredBy,
        refusal_reason: request.refusalReason,
        refusal_legal_basis: request.refusalLegalBasis,
        answer_json: request.answer === null ? null : JSON.stringify(request.answer),
      });
  }

  async requestById(id: string): Promise<SharingRequest | null> {
    if (!/^\d{1,9}$/.test(id)) return null;
    const row = await this.db<SharingRequestRow>('sharing_requests').where('id', Number(id)).first();
    return row ? toRequest(row) : null;
  }

  /** Given a filter, returns the requests it selects, oldest deadline first. */
  async requests(filter: SharingRequestFilter = {}): Promise<SharingRequest[]> {
    const query = this.db<SharingRequestRow>('sharing_requests').orderBy([{ column: 'deadline_at' }, { column: 'id' }]);
    if (filter.requesterCode) query.where('requester_code', filter.requesterCode);
    if (filter.status) query.where('status', filter.status);
    const requests = (await query).map(toRequest);
    // A short JSON list per request: filtered here, not searched by element in SQL.
    return filter.ownerCode ? requests.filter((request) => request.ownerCodes.includes(filter.ownerCode!)) : requests;
  }

  /** Given an instant, returns how many requests wait for an answer past their deadline: the overdue gauge. */
  async countOverdueSharingRequests(now: Date): Promise<number> {
    const row = (await this.db('sharing_requests').where('status', 'PENDING').where('deadline_at', '<', now.toISOString()).count({ count: '*' }).first()) as
      { count: number | string } | undefined;
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
