import { printable } from '../../common/nationalId';
import { describeTarget } from '../policy/describeTarget';
import { citationText, citedInstruments } from '../register/citation';
import { vietnamDay } from '../register/review';
import { badInput, conflict, notFound } from './errors';
import { assertEntitledToOwnerQueue, assertSecondSteward, needsFourEyes, seedsWithoutReview } from './fourEyes';
import { oneOf, requiredText } from './grantInput';
import { REPLACEMENT_ACTIONS, assertReplaceable } from './grantReplacement';
import type { GrantReplacement } from './grantReplacement';
import { actorColumns, recordChange } from './policyChanges';
import type { PolicyRepository, StoredGrant } from './policyRepository';
import { queueScopeOf } from './stewardQueue';
import { assertCommunesInStore } from './stewardshipCore';
import type { StewardshipCore } from './stewardshipCore';
import { grantStatus, grantTermsOf, overlaps, parseInstant } from './stewardshipTerms';
import type { GrantInput, GrantView, PreparedGrant } from './stewardshipTypes';
import type { Actor, ApprovalStatus, GrantApproval } from './types';

/** Given a stored grant and the instant, returns it with its status then. */
function view(grant: StoredGrant, now: string): GrantView {
  return { ...grant, status: grantStatus(grant, now) };
}

/** Given a grant's id, returns the grant stored under it, or throws NOT_FOUND. */
async function storedGrant(repository: PolicyRepository, id: string): Promise<StoredGrant> {
  const grant = /^\d{1,9}$/.test(id) ? await repository.grantById(Number(id)) : null;
  if (!grant) throw notFound(`Unknown grant "${printable(id)}"`);
  return grant;
}

/**
 * The stewards' operations on grants: list, check and store (waiting for four eyes on sensitive data), replace,
 * approve or reject, re-cite and revoke, each in one transaction with its history entry.
 */
export class GrantStewardship {
  constructor(private readonly core: StewardshipCore) {}

  /** Given an optional agency, whether to show revoked grants and an approval status, returns grants with their status now. */
  async list(filter: { agencyCode?: string | null; includeRevoked?: boolean | null; approvalStatus?: string | null } = {}): Promise<GrantView[]> {
    if (filter.agencyCode) await this.core.existingAgency(this.core.repository, filter.agencyCode);
    const approvalStatus = filter.approvalStatus
      ? oneOf(filter.approvalStatus, ['APPROVED', 'PENDING_APPROVAL', 'REJECTED'] as const satisfies readonly ApprovalStatus[], 'approval status')
      : null;
    const now = this.core.now().toISOString();
    const grants = await this.core.repository.grants({ agencyCode: filter.agencyCode ?? null, includeRevoked: filter.includeRevoked ?? false, approvalStatus });
    return grants.map((grant) => view(grant, now));
  }

  async byId(id: string): Promise<GrantView | null> {
    const grant = /^\d{1,9}$/.test(id) ? await this.core.repository.grantById(Number(id)) : null;
    return grant ? view(grant, this.core.now().toISOString()) : null;
  }

  /**
   * Given a grant, checks it (agency, target, purposes, legal basis, scope, masks, validity, no overlap with
   * another grant of the agency on the same target) and stores it. A grant that reaches sensitive personal data
   * is stored waiting for a second policy steward's approval (four eyes), and opens nothing until then.
   */
  async create(actor: Actor, input: GrantInput): Promise<GrantView> {
    const prepared = this.prepare(input);
    return this.core.change((repository, now) => this.store(repository, actor, now, prepared, null));
  }

  /** Given a grant as written, returns it checked against the schema, or throws BAD_USER_INPUT; nothing is read from the store. */
  prepare(input: GrantInput): PreparedGrant {
    return { input, ...grantTermsOf(input, this.core.schema()) };
  }

  /**
   * Given a prepared grant, stores it within the change's transaction after the checks that read the store, with
   * its review's state (waiting for a second steward when it reaches sensitive data) and its history entry.
   */
  async store(repository: PolicyRepository, actor: Actor, now: string, prepared: PreparedGrant, sharingRequestId: string | null): Promise<GrantView> {
    const created = await this.insertCheckedGrant(repository, actor, now, prepared, { sharingRequestId, replaces: null });
    const action = created.approval.status === 'PENDING_APPROVAL' ? 'REQUEST_GRANT' : 'CREATE_GRANT';
    await this.core.record(repository, actor, now, action, 'GRANT', created.id, null, created);
    return view(created, now);
  }

  /**
   * Given a prepared grant and what it answers or replaces, checks it against the store (agency, validity, communes,
   * legal register, no overlap with another grant of the agency on the target but the one it replaces) and inserts
   * it within the change's transaction, without its history entry; returns it as stored.
   */
  private async insertCheckedGrant(
    repository: PolicyRepository,
    actor: Actor,
    now: string,
    prepared: PreparedGrant,
    links: { sharingRequestId: string | null; replaces: StoredGrant | null },
  ): Promise<StoredGrant> {
    const { input, target, purposes, scopeUnitCodes, masks } = prepared;
    const { sharingRequestId } = links;
    const replacesGrantId = links.replaces?.id ?? null;
    const agency = await this.core.existingAgency(repository, input.agencyCode, true);
    const { code: agencyCode } = agency;
    const validFrom = input.validFrom ? parseInstant(input.validFrom, 'validFrom') : now;
    const validTo = input.validTo ? parseInstant(input.validTo, 'validTo') : null;
    if (validTo !== null && validTo <= validFrom) throw badInput(`validTo ${validTo} is not after validFrom ${validFrom}`);
    if (validTo !== null && validTo <= now) throw badInput(`validTo ${validTo} has passed already: the grant would never be in force`);
    // The scope must name communes in force when the grant starts to apply: today, or its later start.
    if (scopeUnitCodes !== null) await assertCommunesInStore(repository, scopeUnitCodes, 'scope unit codes', validFrom > now ? validFrom : now);
    // What the grant rests on must be in the register, and not replaced on the day it starts.
    const cited = await citedInstruments(repository.register(), prepared.legalInstruments, vietnamDay(validFrom));
    const legalInstruments = cited.map((instrument) => instrument.number);
    const legalBasis = prepared.legalBasis || citationText(cited);
    const reviewed = needsFourEyes(target, this.core.schema().catalog) && !seedsWithoutReview(actor);
    const requestedBy = actorColumns(actor).actor;
    const approval: GrantApproval = reviewed
      ? { status: 'PENDING_APPROVAL', requestedBy, decidedBy: null, decidedAt: null, reason: null, sharingRequestId, replacesGrantId }
      : { status: 'APPROVED', requestedBy, decidedBy: requestedBy, decidedAt: now, reason: null, sharingRequestId, replacesGrantId };
    const grant: Omit<StoredGrant, 'id'> = {
      agencyCode,
      target,
      purposes,
      legalBasis,
      legalInstruments,
      scopeUnitCodes,
      masks,
      validFrom,
      validTo,
      revokedAt: null,
      approval,
    };
    // The grant replaced gives way: revoked with this one, or, while this one waits for review, in force beside it.
    const clash = (await repository.activeGrantsOnTarget(agencyCode, target)).find((existing) => existing.id !== replacesGrantId && overlaps(existing, grant));
    if (clash) {
      throw conflict(
        `Grant ${clash.id} already gives ${agencyCode} ${describeTarget(target)} from ${clash.validFrom} to ${clash.validTo ?? 'revocation'}: revoke it or choose a validity that does not overlap`,
      );
    }
    const id = await repository.insertGrant(grant, now);
    return { id, ...grant };
  }

  /**
   * Given the id of a grant in force and the grant to put in its place (same agency), checks the new one as createGrant
   * does and, in one transaction with one history entry naming both, revokes the old one and stores the new one:
   * refused or failed, neither happens. A new grant on sensitive data waits for a second policy steward and the old
   * one stays in force until the approval, which swaps them; a rejection leaves the old one in force.
   */
  async replace(actor: Actor, id: string, input: GrantInput, reason: string | null = null): Promise<GrantReplacement<GrantView>> {
    const prepared = this.prepare(input);
    const note = reason === null || reason.trim() === '' ? null : requiredText(reason, 'The reason for the change', 500);
    return this.core.change(async (repository, now) => {
      // The agency's row is locked first: two changes of its grants at once are checked one after the other.
      const { code } = await this.core.existingAgency(repository, input.agencyCode, true);
      const old = /^\d{1,9}$/.test(id) ? await repository.grantById(Number(id)) : null;
      assertReplaceable(old, id, code, old ? await repository.pendingReplacementsOf(Number(old.id)) : []);
      const replacement = await this.insertCheckedGrant(repository, actor, now, prepared, { sharingRequestId: null, replaces: old });
      const waits = replacement.approval.status === 'PENDING_APPROVAL';
      const replaced: StoredGrant = waits ? old : { ...old, revokedAt: now };
      if (!waits) await repository.revokeGrant(Number(old.id), now);
      await recordChange(repository, actor, now, {
        action: waits ? REPLACEMENT_ACTIONS.requested : REPLACEMENT_ACTIONS.done,
        entityType: 'GRANT',
        entityId: replacement.id,
        relatedEntityId: old.id,
        reason: note,
        before: old,
        after: replacement,
      });
      return { replaced: view(replaced, now), replacement: view(replacement, now) };
    });
  }

  /**
   * Given a grant waiting for review, approves it (it is in force from then on, by its validity) or rejects it
   * with a reason: a second policy steward's decision, never the requester's own (FOUR_EYES_REQUIRED). The approval
   * of a replacement revokes the grant it replaces in the same transaction; its rejection leaves that grant in force.
   */
  async decide(actor: Actor, id: string, decision: { approve: boolean; reason?: string | null }): Promise<GrantView> {
    const reason = decision.approve ? decision.reason?.trim() || null : requiredText(decision.reason, 'The reason for rejecting the grant', 500);
    return this.core.change(async (repository, now) => {
      const before = await storedGrant(repository, id);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked already, at ${before.revokedAt}`);
      assertSecondSteward(actor, before, (person) => actorColumns(person).actor);
      const scope = queueScopeOf(actor);
      const sector = scope.kind === 'AGENCY' ? ((await repository.agencyByCode(scope.agencyCode, true))?.sector ?? null) : null;
      assertEntitledToOwnerQueue(scope, sector, before.target, this.core.schema().catalog);
      const approval: GrantApproval = {
        ...before.approval,
        status: decision.approve ? 'APPROVED' : 'REJECTED',
        decidedBy: actorColumns(actor).actor,
        decidedAt: now,
        reason,
      };
      await repository.decideGrant(Number(id), approval);
      const after: StoredGrant = { ...before, approval };
      const replaced = approval.replacesGrantId === null ? null : await repository.grantById(Number(approval.replacesGrantId));
      if (replaced && decision.approve) {
        // The approval of a replacement swaps the grants: the old one, in force until now, is revoked with it.
        if (replaced.revokedAt === null) await repository.revokeGrant(Number(replaced.id), now);
        const change = { entityType: 'GRANT', entityId: id, relatedEntityId: replaced.id, before: replaced, after } as const;
        await recordChange(repository, actor, now, { action: REPLACEMENT_ACTIONS.done, ...change });
      } else {
        // A rejected replacement names the grant it would have replaced, which stays as it is.
        const related = replaced ? { relatedEntityId: replaced.id } : {};
        await recordChange(repository, actor, now, {
          action: decision.approve ? 'APPROVE_GRANT' : 'REJECT_GRANT',
          entityType: 'GRANT',
          entityId: id,
          ...related,
          before,
          after,
        });
      }
      return view(after, now);
    });
  }

  /**
   * Given a grant id and what it is to cite (entries of the register, and optionally the citation's text), puts
   * them in place of its legal basis: how a steward answers a review after an instrument was replaced.
   */
  async citeLegalBasis(actor: Actor, id: string, input: Pick<GrantInput, 'legalInstruments' | 'legalBasis'>): Promise<GrantView> {
    const note =
      input.legalBasis === null || input.legalBasis === undefined || input.legalBasis.trim() === ''
        ? null
        : requiredText(input.legalBasis, 'The legal basis', 500);
    return this.core.change(async (repository, now) => {
      const before = await storedGrant(repository, id);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked at ${before.revokedAt}: make a new grant instead`);
      const cited = await citedInstruments(repository.register(), input.legalInstruments, vietnamDay(before.validFrom > now ? before.validFrom : now));
      const after: StoredGrant = { ...before, legalInstruments: cited.map((instrument) => instrument.number), legalBasis: note ?? citationText(cited) };
      await repository.updateGrantLegalBasis(Number(id), after.legalInstruments, after.legalBasis);
      await this.core.record(repository, actor, now, 'CITE_LEGAL_BASIS', 'GRANT', id, before, after);
      return view(after, now);
    });
  }

  /** Given a grant id, revokes the grant at once; NOT_FOUND when unknown, CONFLICT when revoked already. */
  async revoke(actor: Actor, id: string): Promise<GrantView> {
    return this.core.change(async (repository, now) => {
      const before = await storedGrant(repository, id);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked already, at ${before.revokedAt}`);
      return this.revokeIn(repository, actor, now, before);
    });
  }

  /** Given an unrevoked grant, revokes it within the change's transaction, with its history entry. */
  async revokeIn(repository: PolicyRepository, actor: Actor, now: string, before: StoredGrant): Promise<GrantView> {
    const after: StoredGrant = { ...before, revokedAt: now };
    await repository.revokeGrant(Number(before.id), now);
    await this.core.record(repository, actor, now, 'REVOKE_GRANT', 'GRANT', before.id, before, after);
    return view(after, now);
  }
}
