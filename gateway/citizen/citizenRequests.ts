import type { WorkingCalendar } from '../../common/workingDays';
import { workingDayDeadline, workingDaysLeft } from '../../common/workingDays';
import { printable } from '../../common/nationalId';
import { badInput, conflict, notFound } from '../store/errors';
import type { CitizenRepository } from './citizenRepository';
import type { CitizenRequestKind, CitizenRequestRecord, CitizenRequestStatus } from './citizenTypes';
import { CITIZEN_REQUEST_KINDS, CITIZEN_REQUEST_STATUSES } from './citizenTypes';

/** Law 91/2025 and Decree 356/2025: a data subject's request is answered within 2 working days. */
export const ANSWER_WORKING_DAYS = 2;
const MAX_MESSAGE = 2000;
const REFERENCE = /^[A-Za-z0-9._-]{1,64}:[1-9][0-9]{0,15}$/;

/** A request as the citizen and the stewards see it: with the working days left before its deadline. */
export interface CitizenRequestView extends CitizenRequestRecord {
  workingDaysLeft: number;
  overdue: boolean;
}

export interface NewCitizenRequest {
  kind: string;
  message: string;
  recordReference?: string | null;
}

export interface CitizenRequestsOptions {
  repository: CitizenRepository;
  calendar: WorkingCalendar;
  /** Given a citizen and a reference, tells whether that access is one the citizen's page shows them. */
  accessVisibleTo(nationalId: string, reference: string): Promise<boolean>;
  now?: () => Date;
}

function message(value: string, what: string): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw badInput(`${what} is required`);
  if (trimmed.length > MAX_MESSAGE) throw badInput(`${what} has ${trimmed.length} characters; at most ${MAX_MESSAGE} are allowed`);
  return trimmed;
}

/**
 * Citizens' requests (a contested access, a copy, a correction, a restriction or objection, a complaint), each
 * with its deadline of 2 working days, and the stewards' queue that answers them.
 */
export class CitizenRequests {
  private readonly now: () => Date;

  constructor(private readonly options: CitizenRequestsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private view(record: CitizenRequestRecord): CitizenRequestView {
    const left = workingDaysLeft(this.options.calendar, new Date(record.dueAt), this.now());
    return { ...record, workingDaysLeft: left, overdue: record.status === 'OPEN' && Date.parse(record.dueAt) < this.now().getTime() };
  }

  /** Given the citizen asking (from their session) and their request, stores it with its deadline. */
  async create(nationalId: string, input: NewCitizenRequest): Promise<CitizenRequestView> {
    const kind = String(input.kind ?? '');
    if (!(CITIZEN_REQUEST_KINDS as readonly string[]).includes(kind))
      throw badInput(`Unknown request "${printable(kind)}": expected one of ${CITIZEN_REQUEST_KINDS.join(', ')}`);
    const text = message(String(input.message ?? ''), 'The message');
    let reference: string | null = null;
    if (kind === 'DISPUTE') {
      reference = String(input.recordReference ?? '').trim();
      if (!REFERENCE.test(reference)) throw badInput(`Malformed access reference "${printable(reference)}": expected instance:seq, as the page shows it`);
      // The same answer for another's access as for none: a citizen learns nothing of others' records.
      if (!(await this.options.accessVisibleTo(nationalId, reference))) throw notFound(`No access ${reference} to your data`);
    } else if (input.recordReference) throw badInput('Only a DISPUTE names an access');
    const received = this.now();
    const record: Omit<CitizenRequestRecord, 'id'> = {
      nationalId,
      kind: kind as CitizenRequestKind,
      recordReference: reference,
      message: text,
      status: 'OPEN',
      receivedAt: received.toISOString(),
      dueAt: workingDayDeadline(this.options.calendar, received, ANSWER_WORKING_DAYS).toISOString(),
      answer: null,
      answeredBy: null,
      answeredRole: null,
      answeredAt: null,
    };
    const id = await this.options.repository.insertRequest(record);
    return this.view({ id, ...record });
  }

  /** Given the citizen asking, returns their own requests, newest first. */
  async of(nationalId: string): Promise<CitizenRequestView[]> {
    return (await this.options.repository.requestsOf(nationalId)).map((record) => this.view(record));
  }

  /** Given a status (OPEN by default, ALL for every one), returns the stewards' queue, the nearest deadline first. */
  async queue(status = 'OPEN'): Promise<CitizenRequestView[]> {
    if (status !== 'ALL' && !(CITIZEN_REQUEST_STATUSES as readonly string[]).includes(status))
      throw badInput(`Unknown status "${printable(status)}": expected ${CITIZEN_REQUEST_STATUSES.join(', ')} or ALL`);
    return (await this.options.repository.queue(status === 'ALL' ? null : (status as CitizenRequestStatus))).map((record) => this.view(record));
  }

  /** Given a request's id, the steward answering (name and role) and the answer, records it; CONFLICT once answered. */
  async answer(id: number, steward: { name: string; role: string }, answer: string): Promise<CitizenRequestView> {
    const text = message(answer, 'The answer');
    const existing = await this.options.repository.requestById(id);
    if (!existing) throw notFound(`Unknown request ${id}`);
    const answeredAt = this.now().toISOString();
    if (!(await this.options.repository.answerRequest(id, { answer: text, answeredBy: steward.name, answeredRole: steward.role, answeredAt })))
      throw conflict(`The request ${id} was answered already`);
    return this.view({ ...existing, status: 'ANSWERED', answer: text, answeredBy: steward.name, answeredRole: steward.role, answeredAt });
  }
}
