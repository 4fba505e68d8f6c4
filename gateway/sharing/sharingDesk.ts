import { printable } from '../../common/nationalId';
import type { WorkingCalendar } from '../../common/workingDays';
import { workingDayDeadline, workingDaysLeft } from '../../common/workingDays';
import type { Agency } from '../policy/types';
import { citedInstruments } from '../register/citation';
import { vietnamDay } from '../register/review';
import { badInput, conflict, notFound } from '../store/errors';
import { needsFourEyes } from '../store/fourEyes';
import { requiredText } from '../store/grantInput';
import type { PolicyRepository } from '../store/policyRepository';
import type { SharingPartStatus, SharingRequest, SharingRequestPart } from '../store/sharingTypes';
import { overdueParts } from '../store/sharingTypes';
import type { SharingRequestFilter } from '../store/sharingRepository';
import type { Stewardship } from '../store/stewardship';
import { assertSees, outsideStewardQueue, queueRefusal, queueScopeOf, seesQueue } from '../store/stewardQueue';
import type { Actor, PolicyChange } from '../store/types';
import { assertCommunesInForce } from '../store/unitCodes';
import type { SharingRequestInput } from './requestInput';
import type { DuplicateCollection } from './duplicateCollection';
import { duplicateCollection } from './duplicateCollection';
import { instrumentNumber, narrowed, purposesOf, requestParticulars, requestedFields, scopeKept } from './requestInput';
import { answerablePart, assertKeepsOwnFields, partEntry, pendingParts, stewardActorName, withPart } from './requestParts';

/** The time an owner has to open the connection or refuse (Decree 47/2020, Art. 35(3), as amended by Decree 194/2025). */
export const ANSWER_WORKING_DAYS = 2;

/** One grant an approval would make. */
export interface SharingImpact {
  coordinate: string;
  ownerSector: string;
  sharing: string;
  personal: string;
  needsSecondSteward: boolean;
  purposes: string[];
  scopeUnitCodes: string[] | null;
}

/** An owner's part with what its deadline means now. */
export type SharingPartView = SharingRequestPart & { workingDaysLeft: number; overdue: boolean };

/**
 * A request with what its deadlines mean now: overdue when any part waits past its deadline; the working days
 * left are those of the earliest deadline still running (the request's own once every part is answered).
 */
export type SharingRequestView = Omit<SharingRequest, 'parts'> & { workingDaysLeft: number; overdue: boolean; parts: SharingPartView[] };

/** What a steward keeps of an owner's part when approving it: left out, everything asked of that owner. */
export interface ApprovalNarrowing {
  /** The owner whose part is answered; left out: the steward's own agency's, or the request's only part. */
  ownerCode?: string | null;
  fields?: readonly string[] | null;
  purposes?: readonly string[] | null;
  scopeUnitCodes?: readonly string[] | null;
}

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
 * it in writing with the legal basis that restricts sharing, within 2 working days. Every step is in the history.
 */
export class SharingDesk {
  private readonly now: () => Date;

  constructor(private readonly options: SharingDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Given a request as stored, returns it with its working days left and whether it is overdue. */
  view(request: SharingRequest, now = this.now()): SharingRequestView {
    const calendar = this.options.calendar;
    const late = new Set(overdueParts(request.parts, now).map((part) => part.ownerCode));
    const parts = request.parts.map((part) => ({
      ...part,
      workingDaysLeft: workingDaysLeft(calendar, new Date(part.deadlineAt), now),
      overdue: late.has(part.ownerCode),
    }));
    const running =
      parts
        .filter((part) => part.status === 'PENDING')
        .map((part) => part.deadlineAt)
        .sort()[0] ?? request.deadlineAt;
    return { ...request, parts, workingDaysLeft: workingDaysLeft(calendar, new Date(running), now), overdue: late.size > 0 };
  }

  private async assertCommunes(repository: PolicyRepository, codes: readonly string[] | null, at: string): Promise<void> {
    if (codes === null || codes.length === 0) return;
    const [known, loaded] = await Promise.all([repository.unitsByCodes(codes), repository.unitCount()]);
    assertCommunesInForce(codes, known, loaded, 'scope unit codes', at.slice(0, 10));
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
      await this.assertCommunes(repository, scopeUnitCodes, nowIso);
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

  private async answerable(
    repository: PolicyRepository,
    id: string,
    ownerCode: string | null | undefined,
    allowed: readonly SharingPartStatus[],
    actor: Actor,
  ): Promise<{ request: SharingRequest; part: SharingRequestPart }> {
    const request = await repository.sharing().requestById(id);
    if (!request) throw notFound(`Unknown sharing request "${printable(id)}"`);
    const scope = queueScopeOf(actor);
    assertSees(scope, request);
    return { request, part: answerablePart(scope, request, ownerCode, allowed) };
  }

  /**
   * Given an owner's pending (or refused, when its stewards change their decision) part of a request and what to
   * keep of it, makes one grant per field of the part kept, for the purposes and communes kept, on the request's
   * instrument; a grant on sensitive data waits for a second steward (four eyes). The other owners' parts are
   * theirs to answer. All of it in one transaction, or nothing.
   */
  async approve(actor: Actor, id: string, narrowing: ApprovalNarrowing = {}): Promise<SharingRequestView> {
    const stewardship = this.options.stewardship;
    return stewardship.change(async (repository, nowIso) => {
      const { request: before, part } = await this.answerable(repository, id, narrowing.ownerCode, ['PENDING', 'REFUSED'], actor);
      const requester = await repository.agencyByCode(before.requesterCode, true);
      if (!requester || requester.deactivatedAt) throw conflict(`The requesting agency ${before.requesterCode} is deactivated: nothing can be shared with it`);
      assertKeepsOwnFields(queueScopeOf(actor), before, part, narrowing.fields);
      const fields = narrowed(part.fields, narrowing.fields, 'fields');
      const purposes = narrowed(before.purposes, narrowing.purposes, 'purposes');
      const scopeUnitCodes = scopeKept(before.scopeUnitCodes, narrowing.scopeUnitCodes);
      await this.assertCommunes(repository, scopeUnitCodes, nowIso);
      const grantIds: string[] = [];
      for (const coordinate of fields) {
        const prepared = stewardship.prepareGrant({
          agencyCode: before.requesterCode,
          target: { kind: 'FIELD', coordinate },
          purposes,
          // The grant cites the instrument the request relies on: it must be in the register, and not replaced.
          legalInstruments: [before.legalBasis],
          legalBasis: `${before.legalBasis} (sharing request ${id}: ${before.procedure})`.slice(0, 500),
          scopeUnitCodes,
        });
        grantIds.push((await stewardship.storeGrant(repository, actor, nowIso, prepared, id)).id);
      }
      const answered: SharingRequestPart = {
        ...part,
        status: 'APPROVED',
        answeredAt: nowIso,
        answeredBy: stewardActorName(actor),
        refusalReason: null,
        refusalLegalBasis: null,
        answer: { fields, purposes, scopeUnitCodes, grantIds },
      };
      const after = withPart(before, answered);
      await repository.sharing().updatePart(before, answered);
      await stewardship.record(
        repository,
        actor,
        nowIso,
        'APPROVE_SHARING_REQUEST',
        'SHARING_REQUEST',
        id,
        partEntry(before, part),
        partEntry(after, answered),
      );
      return this.view(after, new Date(nowIso));
    });
  }

  /**
   * Given a request, the owner's part and what to keep of it, returns the grants an approval of that part would
   * make, one per field, and which of them would wait for a second steward; nothing is changed.
   */
  async impact(id: string, narrowing: ApprovalNarrowing, actor: Actor): Promise<SharingImpact[]> {
    const { request, part } = await this.answerable(this.options.repository, id, narrowing.ownerCode, ['PENDING', 'REFUSED', 'APPROVED'], actor);
    assertKeepsOwnFields(queueScopeOf(actor), request, part, narrowing.fields);
    const fields = narrowed(part.fields, narrowing.fields, 'fields');
    const purposes = narrowed(request.purposes, narrowing.purposes, 'purposes');
    const scopeUnitCodes = scopeKept(request.scopeUnitCodes, narrowing.scopeUnitCodes);
    const { catalog } = this.options.stewardship.schema();
    return fields.map((coordinate) => {
      const facts = catalog.fields.get(coordinate)!;
      return {
        coordinate,
        ownerSector: String(facts.owner),
        sharing: facts.classification.sharing,
        personal: facts.classification.personal,
        needsSecondSteward: needsFourEyes({ kind: 'FIELD', coordinate }, catalog),
        purposes,
        scopeUnitCodes,
      };
    });
  }

  /**
   * Given an owner's pending (or approved, when its stewards change their decision: the part's grants are revoked)
   * part of a request, refuses it in writing: the reason and the instrument number of the law that restricts
   * sharing, which the requester reads. The other owners' parts are theirs to answer.
   */
  async refuse(actor: Actor, id: string, refusal: { reason: string; legalBasis: string; ownerCode?: string | null }): Promise<SharingRequestView> {
    const reason = requiredText(refusal.reason, 'The reason for the refusal', 1000);
    const legalBasis = instrumentNumber(refusal.legalBasis, 'The legal basis restricting sharing');
    const stewardship = this.options.stewardship;
    return stewardship.change(async (repository, nowIso) => {
      const { request: before, part } = await this.answerable(repository, id, refusal.ownerCode, ['PENDING', 'APPROVED'], actor);
      for (const grantId of part.answer?.grantIds ?? []) {
        const grant = await repository.grantById(Number(grantId));
        if (grant && grant.revokedAt === null) await stewardship.revokeGrantIn(repository, actor, nowIso, grant);
      }
      const refused: SharingRequestPart = {
        ...part,
        status: 'REFUSED',
        answeredAt: nowIso,
        answeredBy: stewardActorName(actor),
        refusalReason: reason,
        refusalLegalBasis: legalBasis,
        answer: null,
      };
      const after = withPart(before, refused);
      await repository.sharing().updatePart(before, refused);
      await stewardship.record(repository, actor, nowIso, 'REFUSE_SHARING_REQUEST', 'SHARING_REQUEST', id, partEntry(before, part), partEntry(after, refused));
      return this.view(after, new Date(nowIso));
    });
  }

  /**
   * Given an agency and the fields its own forms collect from citizens, replaces the list declared for it, in the
   * history; the duplicate-collection report compares it with what the agency was granted or refused.
   */
  async declareCollectedFields(actor: Actor, agencyCode: string, coordinates: readonly string[]): Promise<string[]> {
    const { catalog } = this.options.stewardship.schema();
    const fields = [...new Set(coordinates)].sort();
    const unknown = fields.filter((coordinate) => !catalog.fields.has(coordinate));
    if (unknown.length > 0) throw badInput(`Unknown fields ${unknown.map((value) => `"${printable(value)}"`).join(', ')}: expected Type.field`);
    return this.options.stewardship.change(async (repository, nowIso) => {
      const agency = await repository.agencyByCode(agencyCode, true);
      if (!agency) throw notFound(`Unknown agency "${printable(agencyCode)}"`);
      const before = (await repository.sharing().collectedFields()).get(agency.code) ?? [];
      await repository.sharing().replaceCollectedFields(agency.code, fields);
      await this.options.stewardship.record(
        repository,
        actor,
        nowIso,
        'DECLARE_COLLECTED_FIELDS',
        'AGENCY',
        agency.code,
        { collects: before },
        { collects: fields },
      );
      return fields;
    });
  }

  /** Given an agency's code, returns the fields its own forms collect, as declared. */
  async collectedFields(agencyCode: string): Promise<string[]> {
    return (await this.options.repository.sharing().collectedFields()).get(agencyCode) ?? [];
  }

  /** Returns, per agency, the fields its forms collect that another agency provides and it was refused or never asked for. */
  async duplicateCollection(): Promise<DuplicateCollection[]> {
    const repository = this.options.repository;
    const [snapshot, collected, requests] = await Promise.all([
      repository.loadSnapshot(),
      repository.sharing().collectedFields(),
      repository.sharing().requests(),
    ]);
    return duplicateCollection(
      [...snapshot.agencies.values()],
      collected,
      requests,
      snapshot.grantsByAgency,
      this.options.stewardship.schema().catalog,
      this.now(),
    );
  }

  /** Given an instant, returns how many requests have a part waiting for its owner's answer past its deadline. */
  countOverdue(now: Date = this.now()): Promise<number> {
    return this.options.repository.sharing().countOverdueSharingRequests(now);
  }
}
