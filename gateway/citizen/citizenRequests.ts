import type { WorkingCalendar } from '../../common/workingDays';
import { calendarDayDeadline, workingDayDeadline, workingDaysLeft } from '../../common/workingDays';
import { printable } from '../../common/nationalId';
import { badInput, conflict, notFound } from '../store/errors';
import type { QueueScope } from '../store/stewardQueue';
import { outsideStewardQueue, queueRefusal, seesQueue } from '../store/stewardQueue';
import type { CitizenRepository } from './citizenRepository';
import type { CitizenRequestKind, CitizenRequestRecord, CitizenRequestStatus } from './citizenTypes';
import { CITIZEN_REQUEST_KINDS, CITIZEN_REQUEST_STATUSES, DATA_REQUEST_KINDS, LONG_ANSWER_KINDS } from './citizenTypes';

/** Law 91/2025 and Decree 356/2025: a data subject's request is answered within 2 working days. */
export const ANSWER_WORKING_DAYS = 2;
/** ...and a restriction of processing or a withdrawal of consent within 15 days. */
export const LONG_ANSWER_DAYS = 15;
const MAX_MESSAGE = 2000;
const REFERENCE = /^[A-Za-z0-9._-]{1,64}:[1-9][0-9]{0,15}$/;

/** A request as the citizen and the stewards see it: with the working days left before its deadline. */
export interface CitizenRequestView extends CitizenRequestRecord {
  /** The name of the agency whose queue answers it; null: the province's central data office. */
  agencyName: string | null;
  workingDaysLeft: number;
  overdue: boolean;
}

export interface NewCitizenRequest {
  kind: string;
  message: string;
  recordReference?: string | null;
  /** The sector or the field a CORRECTION, RESTRICTION or OBJECTION is about. */
  concerns?: string | null;
}

export interface CitizenRequestsOptions {
  repository: CitizenRepository;
  calendar: WorkingCalendar;
  /**
   * Given a citizen and a reference, returns the code of the agency that made that access (null for none), or
   * undefined when it is not an access the citizen's page shows them.
   */
  accessAgencyOf(nationalId: string, reference: string): Promise<string | null | undefined>;
  /** Given a sector or a field, returns the agency owning it (null: none does); BAD_USER_INPUT for unknown data. */
  dataOwnerOf(concerns: string): { agencyCode: string | null };
  /** Given an agency's code, returns its name, or null. */
  agencyName?(code: string): string | null;
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
    const agencyName = record.agencyCode === null ? null : (this.options.agencyName?.(record.agencyCode) ?? record.agencyCode);
    return { ...record, agencyName, workingDaysLeft: left, overdue: record.status === 'OPEN' && Date.parse(record.dueAt) < this.now().getTime() };
  }

  /** Given the citizen asking (from their session) and their request, stores it with its deadline. */
  async create(nationalId: string, input: NewCitizenRequest): Promise<CitizenRequestView> {
    const kind = String(input.kind ?? '');
    if (!(CITIZEN_REQUEST_KINDS as readonly string[]).includes(kind))
      throw badInput(`Unknown request "${printable(kind)}": expected one of ${CITIZEN_REQUEST_KINDS.join(', ')}`);
    const text = message(String(input.message ?? ''), 'The message');
    let reference: string | null = null;
    let concerns: string | null = null;
    // COPY and COMPLAINT are the province's central data office's to answer.
    let agencyCode: string | null = null;
    if (kind === 'DISPUTE') {
      reference = String(input.recordReference ?? '').trim();
      if (!REFERENCE.test(reference)) throw badInput(`Malformed access reference "${printable(reference)}": expected instance:seq, as the page shows it`);
      // The same answer for another's access as for none: a citizen learns nothing of others' records.
      const madeBy = await this.options.accessAgencyOf(nationalId, reference);
      if (madeBy === undefined) throw notFound(`No access ${reference} to your data`);
      agencyCode = madeBy;
    } else if (input.recordReference) throw badInput('Only a DISPUTE names an access');
    if (DATA_REQUEST_KINDS.includes(kind as CitizenRequestKind)) {
      concerns = String(input.concerns ?? '').trim();
      if (concerns === '') throw badInput(`A ${kind} names the data it is about: a sector or one of its fields, from the list`);
      agencyCode = this.options.dataOwnerOf(concerns).agencyCode;
    } else if (input.concerns) throw badInput(`Only a ${DATA_REQUEST_KINDS.join(', ')} names the data it is about`);
    const received = this.now();
    const record: Omit<CitizenRequestRecord, 'id'> = {
      nationalId,
      kind: kind as CitizenRequestKind,
      recordReference: reference,
      concerns,
      agencyCode,
      message: text,
      status: 'OPEN',
      receivedAt: received.toISOString(),
      dueAt: (LONG_ANSWER_KINDS.includes(kind as CitizenRequestKind)
        ? calendarDayDeadline(received, LONG_ANSWER_DAYS)
        : workingDayDeadline(this.options.calendar, received, ANSWER_WORKING_DAYS)
      ).toISOString(),
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

  /**
   * Given a status (OPEN, ANSWERED or ALL) and whose queues the steward sees, returns the stewards'
   * queue, the nearest deadline first: an agency's steward sees the requests routed to that agency only.
   */
  async queue(status: string, scope: QueueScope): Promise<CitizenRequestView[]> {
    if (status !== 'ALL' && !(CITIZEN_REQUEST_STATUSES as readonly string[]).includes(status))
      throw badInput(`Unknown status "${printable(status)}": expected ${CITIZEN_REQUEST_STATUSES.join(', ')} or ALL`);
    const records = await this.options.repository.queue(
      status === 'ALL' ? null : (status as CitizenRequestStatus),
      scope.kind === 'AGENCY' ? scope.agencyCode : undefined,
    );
    return records.map((record) => this.view(record));
  }

  /**
   * Given a request's id, the steward answering (name, role and the queues they see) and the answer, records it;
   * OUTSIDE_STEWARD_QUEUE for a request routed to another queue, CONFLICT once answered.
   */
  async answer(id: number, steward: { name: string; role: string; scope: QueueScope }, answer: string): Promise<CitizenRequestView> {
    const text = message(answer, 'The answer');
    const existing = await this.options.repository.requestById(id);
    if (!existing) throw notFound(`Unknown request ${id}`);
    const { scope } = steward;
    if (!seesQueue(scope, existing.agencyCode === null ? [] : [existing.agencyCode]))
      throw outsideStewardQueue(queueRefusal(scope, `citizen request ${id}, routed to ${existing.agencyCode ?? "the province's central data office"}`));
    const answeredAt = this.now().toISOString();
    if (!(await this.options.repository.answerRequest(id, { answer: text, answeredBy: steward.name, answeredRole: steward.role, answeredAt })))
      throw conflict(`The request ${id} was answered already`);
    return this.view({ ...existing, status: 'ANSWERED', answer: text, answeredBy: steward.name, answeredRole: steward.role, answeredAt });
  }
}
