import type { Knex } from 'knex';
import type { CitizenRequestRow, CitizenSessionRow } from '../../db/gatewayRows';
import type { CitizenRequestKind, CitizenRequestRecord, CitizenRequestStatus, CitizenSessionRecord } from './citizenTypes';

const toSession = (row: CitizenSessionRow): CitizenSessionRecord => ({
  id: row.id,
  nationalId: row.national_id,
  csrfToken: row.csrf_token,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

const toRequest = (row: CitizenRequestRow): CitizenRequestRecord => ({
  id: Number(row.id),
  nationalId: row.national_id,
  kind: row.kind as CitizenRequestKind,
  recordReference: row.record_reference,
  concerns: row.concerns,
  agencyCode: row.agency_code,
  message: row.message,
  status: row.status as CitizenRequestStatus,
  receivedAt: row.received_at,
  dueAt: row.due_at,
  answer: row.answer,
  answeredBy: row.answered_by,
  answeredRole: row.answered_role,
  answeredAt: row.answered_at,
});

/** The citizens' sessions and requests: the only module of the citizens' page that holds SQL. */
export class CitizenRepository {
  constructor(private readonly db: Knex) {}

  async insertSession(session: CitizenSessionRecord): Promise<void> {
    await this.db<CitizenSessionRow>('citizen_sessions').insert({
      id: session.id,
      national_id: session.nationalId,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      revoked_at: session.revokedAt,
    });
  }

  async sessionById(id: string): Promise<CitizenSessionRecord | null> {
    const row = await this.db<CitizenSessionRow>('citizen_sessions').where('id', id).first();
    return row ? toSession(row) : null;
  }

  async revokeSession(id: string, at: string): Promise<void> {
    await this.db<CitizenSessionRow>('citizen_sessions').where('id', id).whereNull('revoked_at').update({ revoked_at: at });
  }

  /** Given a request without its id, stores it and returns its id. */
  async insertRequest(request: Omit<CitizenRequestRecord, 'id'>): Promise<number> {
    const [id] = await this.db<CitizenRequestRow>('citizen_requests').insert({
      national_id: request.nationalId,
      kind: request.kind,
      record_reference: request.recordReference,
      concerns: request.concerns,
      agency_code: request.agencyCode,
      message: request.message,
      status: request.status,
      received_at: request.receivedAt,
      due_at: request.dueAt,
      answer: request.answer,
      answered_by: request.answeredBy,
      answered_role: request.answeredRole,
      answered_at: request.answeredAt,
    });
    return Number(id);
  }

  /** Given a citizen's national ID, returns their requests, newest first. */
  async requestsOf(nationalId: string): Promise<CitizenRequestRecord[]> {
    const rows = await this.db<CitizenRequestRow>('citizen_requests')
      .where('national_id', nationalId)
      .orderBy([
        { column: 'received_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(toRequest);
  }

  async requestById(id: number): Promise<CitizenRequestRecord | null> {
    const row = await this.db<CitizenRequestRow>('citizen_requests').where('id', id).first();
    return row ? toRequest(row) : null;
  }

  /**
   * Given a status or null for all, and one agency's code or undefined for every queue, returns the stewards'
   * queue: the nearest deadline first. An agency's queue holds the requests routed to it alone.
   */
  async queue(status: CitizenRequestStatus | null, agencyCode?: string): Promise<CitizenRequestRecord[]> {
    const query = this.db<CitizenRequestRow>('citizen_requests');
    if (status !== null) query.where('status', status);
    if (agencyCode !== undefined) query.where('agency_code', agencyCode);
    const rows = await query.orderBy([
      { column: 'due_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(toRequest);
  }

  /** Given an access's instance and sequence number, returns the code of the agency that made it, null for none. */
  async accessAgency(instance: string, seq: number): Promise<string | null> {
    const row = (await this.db('audit_records').where({ instance, seq }).first('agency_code')) as { agency_code: string | null } | undefined;
    return row?.agency_code ?? null;
  }

  /** Given an open request's id and its answer, records the answer; returns false when it was not open. */
  async answerRequest(id: number, answer: { answer: string; answeredBy: string; answeredRole: string; answeredAt: string }): Promise<boolean> {
    const changed = await this.db<CitizenRequestRow>('citizen_requests').where({ id, status: 'OPEN' }).update({
      status: 'ANSWERED',
      answer: answer.answer,
      answered_by: answer.answeredBy,
      answered_role: answer.answeredRole,
      answered_at: answer.answeredAt,
    });
    return Number(changed) === 1;
  }
}
