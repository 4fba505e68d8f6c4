import { printable } from '../../common/nationalId';
import type { WorkingCalendar } from '../../common/workingDays';
import { workingDayDeadline } from '../../common/workingDays';
import type { Agency } from '../policy/types';
import { citedInstruments } from '../register/citation';
import { vietnamDay } from '../register/review';
import { badInput } from '../store/errors';
import type { PolicyRepository } from '../store/policyRepository';
import type { SharingRequest } from '../store/sharingTypes';
import type { SharingRequestFilter } from '../store/sharingRepository';
import type { Stewardship } from '../store/stewardship';
import { assertCommunesInStore } from '../store/stewardshipCore';
import { assertSees, outsideStewardQueue, queueRefusal, queueScopeOf, seesQueue } from '../store/stewardQueue';
import type { Actor, PolicyChange } from '../store/types';
import { CollectedFieldsDesk } from './collectedFieldsDesk';
import type { DuplicateCollection } from './duplicateCollection';
import { PartAnswers } from './partAnswers';
import type { ApprovalNarrowing, SharingImpact } from './partAnswers';
import type { SharingRequestInput } from './requestInput';
import { purposesOf, requestParticulars, requestedFields } from './requestInput';
import { pendingParts } from './requestParts';
import { requestView } from './requestView';
import type { SharingRequestView } from './requestView';

export type { ApprovalNarrowing, SharingImpact } from './partAnswers';
export type { SharingPartView, SharingRequestView } from './requestView';

/** The time an owner has to open the connection or refuse (Decree 47/2020, Art. 35(3), as amended by Decree 194/2025). */
export const ANSWER_WORKING_DAYS = 2;

export interface SharingDeskOptions {
  stewardship: Stewardship;
  repository: PolicyRepository;
  calendar: WorkingCalendar;
  now?: () => Date;
}

/**
 * Sharing on request (Decree 47/2020 as amended, Art. 16): an agency files a request for fields, purposes,
 * communes and a procedure on a legal instrument; it goes to the agencies that own the data; a policy steward
 * approves it (making the grants, possibly narrower, through four eyes where the data is sensitive) or refuses
 * it in writing with the legal basis that restricts sharing, within 2 working days (partAnswers.ts). Every step is
 * in the history. Agencies also declare what their forms collect (collectedFieldsDesk.ts).
 */
export class SharingDesk {
  private readonly now: () => Date;
  private readonly answers: PartAnswers;
  private readonly collected: CollectedFieldsDesk;

  constructor(private readonly options: SharingDeskOptions) {
    this.now = options.now ?? (() => new Date());
    this.answers = new PartAnswers(options.stewardship, options.repository, (request, now) => this.view(request, now));
    this.collected = new CollectedFieldsDesk(options.stewardship, options.repository, this.now);
  }

  /** Given a request as stored, returns it with its working days left and whether it is overdue. */
  view(request: SharingRequest, now = this.now()): SharingRequestView {
    return requestView(this.options.calendar, request, now);
  }

  /**
   * Given the requesting agency (as its credential authenticated it), who files (the agency, with its credential)
   * and the request, stores it for the owners of the data, with its deadline, and returns it.
   */
  async file(agency: Agency, actor: Actor, input: SharingRequestInput): Promise<SharingRequestView> {
    const { catalog } = this.options.stewardship.schema();
    const fields = requestedFields(input.fields, agency, catalog);
    const purposes = purposesOf(input.purposes);
    const { legalBasis, procedure, scopeUnitCodes } = requestParticulars(input);
    const sectors = new Set(fields.map((coordinate) => catalog.fields.get(coordinate)!.owner));
    return this.options.stewardship.change(async (repository, nowIso) => {
      await assertCommunesInStore(repository, scopeUnitCodes, 'scope unit codes', nowIso);
      // The basis relied on is an entry of the legal register in force: approving makes grants that cite it.
      await citedInstruments(repository.register(), [legalBasis], vietnamDay(nowIso));
      const owners = (await repository.agencies()).filter((owner) => owner.sector !== null && sectors.has(owner.sector) && !owner.deactivatedAt);
      const unowned = [...sectors].filter((sector) => !owners.some((owner) => owner.sector === sector));
      if (unowned.length > 0) throw badInput(`No active agency owns the ${unowned.join(', ')} sector: nobody could answer the request`);
      const now = new Date(nowIso);
      const deadlineAt = workingDayDeadline(this.options.calendar, now, ANSWER_WORKING_DAYS).toISOString();
      // One part per owner, of its sector's fields, which it answers on its own within its own deadline.
      const parts = pendingParts(fields, owners, catalog, deadlineAt);
      const request: Omit<SharingRequest, 'id'> = {
        requesterCode: agency.code,
        fields,
        purposes,
        legalBasis,
        scopeUnitCodes,
        procedure,
        ownerCodes: parts.map((part) => part.ownerCode),
        status: 'PENDING',
        filedAt: nowIso,
        deadlineAt,
        answeredAt: null,
        parts,
      };
      const id = await repository.sharing().insertRequest(request);
      const filed: SharingRequest = { id, ...request };
      await this.options.stewardship.record(repository, actor, nowIso, 'FILE_SHARING_REQUEST', 'SHARING_REQUEST', id, null, filed);
      return this.view(filed, now);
    });
  }

  /**
   * Given a filter and who asks, returns the requests it selects in the queues they see, oldest deadline first, each
   * with its deadline now; OUTSIDE_STEWARD_QUEUE when they name an owner's queue that is not theirs.
   */
  async list(filter: SharingRequestFilter, actor: Actor): Promise<SharingRequestView[]> {
    const scope = queueScopeOf(actor);
    const ownerCode = filter.ownerCode?.trim() || null;
    if (ownerCode !== null && !seesQueue(scope, [ownerCode])) throw outsideStewardQueue(queueRefusal(scope, `the queue of ${printable(ownerCode)}`));
    const now = this.now();
    const requests = await this.options.repository.sharing().requests(filter);
    return requests.filter((request) => seesQueue(scope, request.ownerCodes)).map((request) => this.view(request, now));
  }

  /** Given a requesting agency's code, returns the requests it filed, oldest deadline first: what it reads of its own. */
  async filedBy(requesterCode: string): Promise<SharingRequestView[]> {
    const now = this.now();
    return (await this.options.repository.sharing().requests({ requesterCode })).map((request) => this.view(request, now));
  }

  /** Given a request's id and who asks, returns it, or null; OUTSIDE_STEWARD_QUEUE when it is in another owner's queue. */
  async request(id: string, actor: Actor): Promise<SharingRequestView | null> {
    const request = await this.options.repository.sharing().requestById(id);
    if (request) assertSees(queueScopeOf(actor), request);
    return request ? this.view(request) : null;
  }

  /** Given a request's id, returns its history: filed, answered, and each later change of the decision, newest first. */
  history(id: string): Promise<PolicyChange[]> {
    return this.options.stewardship.changes({ entityType: 'SHARING_REQUEST', entityId: id, limit: 500 });
  }

  /** Given an owner's part of a request and what to keep of it, approves it (partAnswers.ts). */
  approve(actor: Actor, id: string, narrowing: ApprovalNarrowing = {}): Promise<SharingRequestView> {
    return this.answers.approve(actor, id, narrowing);
  }

  /** Given a request, the owner's part and what to keep of it, returns the grants an approval would make (partAnswers.ts). */
  impact(id: string, narrowing: ApprovalNarrowing, actor: Actor): Promise<SharingImpact[]> {
    return this.answers.impact(id, narrowing, actor);
  }

  /** Given an owner's part of a request, refuses it in writing (partAnswers.ts). */
  refuse(actor: Actor, id: string, refusal: { reason: string; legalBasis: string; ownerCode?: string | null }): Promise<SharingRequestView> {
    return this.answers.refuse(actor, id, refusal);
  }

  /** Given an agency and the fields its own forms collect, replaces the list declared for it (collectedFieldsDesk.ts). */
  declareCollectedFields(actor: Actor, agencyCode: string, coordinates: readonly string[]): Promise<string[]> {
    return this.collected.declare(actor, agencyCode, coordinates);
  }

  /** Given an agency's code, returns the fields its own forms collect, as declared. */
  collectedFields(agencyCode: string): Promise<string[]> {
    return this.collected.of(agencyCode);
  }

  /** Returns, per agency, the fields its forms collect that another agency provides and it was refused or never asked for. */
  duplicateCollection(): Promise<DuplicateCollection[]> {
    return this.collected.duplicates();
  }

  /** Given an instant, returns how many requests have a part waiting for its owner's answer past its deadline. */
  countOverdue(now: Date = this.now()): Promise<number> {
    return this.options.repository.sharing().countOverdueSharingRequests(now);
  }
}
