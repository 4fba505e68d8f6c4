import { printable } from '../../common/nationalId';
import { conflict, notFound } from '../store/errors';
import { needsFourEyes } from '../store/fourEyes';
import { requiredText } from '../store/grantInput';
import type { PolicyRepository } from '../store/policyRepository';
import type { SharingPartStatus, SharingRequest, SharingRequestPart } from '../store/sharingTypes';
import type { Stewardship } from '../store/stewardship';
import { assertCommunesInStore } from '../store/stewardshipCore';
import { assertSees, queueScopeOf } from '../store/stewardQueue';
import type { Actor } from '../store/types';
import { instrumentNumber, narrowed, scopeKept } from './requestInput';
import { answerablePart, assertKeepsOwnFields, partEntry, stewardActorName, withPart } from './requestParts';
import type { SharingRequestView } from './requestView';

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

/** What a steward keeps of an owner's part when approving it: left out, everything asked of that owner. */
export interface ApprovalNarrowing {
  /** The owner whose part is answered; left out: the steward's own agency's, or the request's only part. */
  ownerCode?: string | null;
  fields?: readonly string[] | null;
  purposes?: readonly string[] | null;
  scopeUnitCodes?: readonly string[] | null;
}

/**
 * An owner's answer to its part of a sharing request: the approval (the grants it makes, through four eyes where the
 * data is sensitive), what an approval would make, and the written refusal; each by a steward who sees the owner's queue.
 */
export class PartAnswers {
  constructor(
    private readonly stewardship: Stewardship,
    private readonly repository: PolicyRepository,
    private readonly view: (request: SharingRequest, now: Date) => SharingRequestView,
  ) {}

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
    const { stewardship } = this;
    return stewardship.change(async (repository, nowIso) => {
      const { request: before, part } = await this.answerable(repository, id, narrowing.ownerCode, ['PENDING', 'REFUSED'], actor);
      const requester = await repository.agencyByCode(before.requesterCode, true);
      if (!requester || requester.deactivatedAt) throw conflict(`The requesting agency ${before.requesterCode} is deactivated: nothing can be shared with it`);
      assertKeepsOwnFields(queueScopeOf(actor), before, part, narrowing.fields);
      const fields = narrowed(part.fields, narrowing.fields, 'fields');
      const purposes = narrowed(before.purposes, narrowing.purposes, 'purposes');
      const scopeUnitCodes = scopeKept(before.scopeUnitCodes, narrowing.scopeUnitCodes);
      await assertCommunesInStore(repository, scopeUnitCodes, 'scope unit codes', nowIso);
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
    const { request, part } = await this.answerable(this.repository, id, narrowing.ownerCode, ['PENDING', 'REFUSED', 'APPROVED'], actor);
    assertKeepsOwnFields(queueScopeOf(actor), request, part, narrowing.fields);
    const fields = narrowed(part.fields, narrowing.fields, 'fields');
    const purposes = narrowed(request.purposes, narrowing.purposes, 'purposes');
    const scopeUnitCodes = scopeKept(request.scopeUnitCodes, narrowing.scopeUnitCodes);
    const { catalog } = this.stewardship.schema();
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
    const { stewardship } = this;
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
}
