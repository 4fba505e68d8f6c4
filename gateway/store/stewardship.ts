import fs from 'node:fs';
import { printable } from '../../common/nationalId';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { apiSchemaOf, buildCatalog } from '../policy/catalog';
import { decideOperation } from '../policy/decideOperation';
import { describeTarget } from '../policy/describeTarget';
import { PURPOSES } from '../policy/types';
import type { Agency, Decision, Principal, Purpose } from '../policy/types';
import { generateApiKey } from './apiKeys';
import type { IssuedKeyMaterial } from './apiKeys';
import { badInput, conflict, notFound } from './errors';
import { oneOf, requiredText } from './grantInput';
import type { SchemaFacts } from './grantInput';
import { assertEntitledToOwnerQueue, assertSecondSteward, needsFourEyes, seedsWithoutReview } from './fourEyes';
import { queueScopeOf } from './stewardQueue';
import { actorColumns, commitChange, recordChange } from './policyChanges';
import { REPLACEMENT_ACTIONS, assertReplaceable } from './grantReplacement';
import type { GrantReplacement } from './grantReplacement';
import type { PolicyRepository, StoredGrant } from './policyRepository';
import type { Actor, ApprovalStatus, CredentialRecord, GrantApproval, PolicyChange, PolicyEntity } from './types';
import { citationText, citedInstruments } from '../register/citation';
import { LegalRegister } from '../register/legalRegister';
import { vietnamDay } from '../register/review';
import { POLICY_ENTITIES } from './types';
import { assertCommunesInForce, communeCodes, unitsOf } from './unitCodes';
import { searchUnits } from './unitSearch';
import type { UnitPage, UnitSearch } from './unitSearch';
import type { UnitInput } from './unitCodes';
import { DEFAULT_KEY_LIFETIME_MS } from './stewardshipTypes';
import type {
  AgencyInput,
  AgencyPatch,
  ApiKeyInput,
  ChangesFilter,
  CredentialSummary,
  ExplainInput,
  GrantInput,
  GrantView,
  IssuedApiKey,
  PreparedGrant,
  RotateKeyInput,
  StewardshipOptions,
} from './stewardshipTypes';
import { credentialStatus, grantStatus, grantTermsOf, overlaps, parseInstant, sectorOf } from './stewardshipTerms';

export { describeTarget } from '../policy/describeTarget';
export { actorColumns } from './policyChanges';
export { targetCovers } from './grantInput';
export type { GrantTargetInput } from './grantInput';
export type { GrantReplacement } from './grantReplacement';
export type { UnitInput } from './unitCodes';

export { DEFAULT_KEY_LIFETIME_MS } from './stewardshipTypes';
export type {
  AgencyInput,
  AgencyPatch,
  ApiKeyInput,
  ChangesFilter,
  CredentialStatus,
  CredentialSummary,
  ExplainInput,
  GrantInput,
  GrantStatus,
  GrantView,
  IssuedApiKey,
  PreparedGrant,
  RotateKeyInput,
  StewardshipOptions,
} from './stewardshipTypes';
export { cliActor, grantTermsOf, parseInstant, stewardActor } from './stewardshipTerms';

const MAX_CHANGES_PAGE = 500;
const AGENCY_CODE = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,10}){0,4}$/;

/**
 * The steward's operations on the policy store, shared by the admin API and the command line. Each
 * change runs in one transaction with its entry in the history (who, when, what, before and after), whose
 * id becomes the policy version; input that fails a check is refused with a stable code and changes nothing.
 */
export class Stewardship {
  private readonly repository: PolicyRepository;
  private readonly now: () => Date;
  private readonly rotationGraceMs: number;
  private schemaFacts: SchemaFacts | null = null;
  /** The legal register grants cite, on the same store, clock and change notification. */
  readonly register: LegalRegister;

  constructor(private readonly options: StewardshipOptions) {
    this.repository = options.repository;
    this.now = options.now ?? (() => new Date());
    this.rotationGraceMs = options.rotationGraceMs ?? 0;
    this.register = new LegalRegister({ repository: options.repository, now: this.now, ...(options.onChange ? { onChange: options.onChange } : {}) });
  }

  /** Returns the time on the store's clock: the instant reviews and statuses are judged at. */
  currentTime(): Date {
    return this.now();
  }

  /** Returns the catalog, the API schema and its type names: what the catalogue describes. */
  schemaDescription(): SchemaFacts {
    return this.schema();
  }

  /** The catalog and API schema, derived from the supergraph once, when first needed: what grants and operations are checked against. */
  schema(): SchemaFacts {
    if (!this.schemaFacts) {
      const sdl = this.options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
      const catalog = buildCatalog(sdl);
      const typeNames = new Set([...catalog.fields.keys()].map((coordinate) => coordinate.slice(0, coordinate.indexOf('.'))));
      this.schemaFacts = { catalog, apiSchema: apiSchemaOf(sdl), typeNames };
    }
    return this.schemaFacts;
  }

  /** Runs a change and its history entry in one transaction, then tells onChange: also for changes made beside this class's own (sharing requests). */
  change<T>(work: (repository: PolicyRepository, now: string) => Promise<T>): Promise<T> {
    return commitChange(this.repository, this.now().toISOString(), work, this.options.onChange);
  }

  /** Given a change's parts, records it in the history within the change's transaction. */
  record(repository: PolicyRepository, actor: Actor, now: string, action: string, entityType: PolicyEntity, entityId: string, before: unknown, after: unknown) {
    return recordChange(repository, actor, now, { action, entityType, entityId, before, after });
  }

  /** Given commune codes, throws BAD_USER_INPUT unless each names a commune the store knows, in force at the instant given. */
  private async assertCommunes(repository: PolicyRepository, codes: readonly string[], what: string, at: string): Promise<void> {
    if (codes.length === 0) return;
    const [known, loaded] = await Promise.all([repository.unitsByCodes(codes), repository.unitCount()]);
    assertCommunesInForce(codes, known, loaded, what, at.slice(0, 10));
  }

  private async existingAgency(repository: PolicyRepository, code: string, lock = false): Promise<Agency> {
    const agency = await repository.agencyByCode(code, lock);
    if (!agency) throw notFound(`Unknown agency "${printable(code)}"`);
    return agency;
  }

  private summary(credential: CredentialRecord, now = this.now().toISOString()): CredentialSummary {
    const { secretHash: _secretHash, ...rest } = credential;
    return { ...rest, status: credentialStatus(credential, now) };
  }

  private view(grant: StoredGrant, now = this.now().toISOString()): GrantView {
    return { ...grant, status: grantStatus(grant, now) };
  }

  /** Returns the policy version: the id of the latest change. */
  version(): Promise<number> {
    return this.repository.version();
  }

  listAgencies(): Promise<Agency[]> {
    return this.repository.agencies();
  }

  agency(code: string): Promise<Agency | null> {
    return this.repository.agencyByCode(code);
  }

  /** Given a new agency, registers it; CONFLICT when the code is taken. */
  async createAgency(actor: Actor, input: AgencyInput): Promise<Agency> {
    const code = (input.code ?? '').trim();
    if (!AGENCY_CODE.test(code))
      throw badInput(`Malformed agency code "${printable(code)}": expected a letter, two digits and dot-separated parts, such as H56.20`);
    const agency: Agency = {
      code,
      name: requiredText(input.name, 'The agency name', 200),
      sector: sectorOf(input.sector, this.schema().catalog.sectors),
      unitCodes: communeCodes(input.unitCodes ?? [], 'unit codes'),
      steward: input.steward ?? false,
    };
    return this.change(async (repository, now) => {
      await this.assertCommunes(repository, agency.unitCodes, 'unit codes', now);
      if (await repository.agencyByCode(code)) throw conflict(`The agency ${code} exists already; update it instead`);
      await repository.insertAgency(agency, now);
      await this.record(repository, actor, now, 'CREATE_AGENCY', 'AGENCY', code, null, agency);
      return agency;
    });
  }

  /** Given an agency code and the fields to change, updates the agency; NOT_FOUND when unknown. */
  async updateAgency(actor: Actor, code: string, patch: AgencyPatch): Promise<Agency> {
    const name = patch.name === undefined || patch.name === null ? undefined : requiredText(patch.name, 'The agency name', 200);
    const sector = patch.sector === undefined ? undefined : sectorOf(patch.sector, this.schema().catalog.sectors);
    const unitCodes = patch.unitCodes === undefined || patch.unitCodes === null ? undefined : communeCodes(patch.unitCodes, 'unit codes');
    return this.change(async (repository, now) => {
      if (unitCodes !== undefined) await this.assertCommunes(repository, unitCodes, 'unit codes', now);
      const before = await this.existingAgency(repository, code, true);
      const after: Agency = {
        ...before,
        ...(name !== undefined ? { name } : {}),
        ...(sector !== undefined ? { sector } : {}),
        ...(unitCodes !== undefined ? { unitCodes } : {}),
        ...(patch.steward !== undefined && patch.steward !== null ? { steward: patch.steward } : {}),
      };
      await repository.updateAgency(after, now);
      await this.record(repository, actor, now, 'UPDATE_AGENCY', 'AGENCY', code, before, after);
      return after;
    });
  }

  /** Given an agency code or null, returns the API keys (never their secrets). */
  async listApiKeys(agencyCode: string | null = null): Promise<CredentialSummary[]> {
    if (agencyCode !== null) await this.existingAgency(this.repository, agencyCode);
    const now = this.now().toISOString();
    return (await this.repository.credentials(agencyCode)).map((credential) => this.summary(credential, now));
  }

  private expiryOf(value: string | null | undefined, now: string): string {
    if (value === null || value === undefined) return new Date(Date.parse(now) + DEFAULT_KEY_LIFETIME_MS).toISOString();
    const expiresAt = parseInstant(value, 'The expiry');
    if (expiresAt <= now) throw badInput(`The expiry ${expiresAt} is not in the future`);
    return expiresAt;
  }

  /**
   * Given an agency and an optional expiry (a year by default) and label, makes an API key and returns it
   * whole: this is the only time the secret is seen. `material` lets the demo seed use derived keys.
   */
  async createApiKey(actor: Actor, input: ApiKeyInput, material: IssuedKeyMaterial = generateApiKey()): Promise<IssuedApiKey> {
    const label = input.label === null || input.label === undefined || input.label.trim() === '' ? null : requiredText(input.label, 'The key label', 200);
    return this.change(async (repository, now) => {
      // The code as registered: MySQL compares codes without regard to case, the snapshot's Map does not.
      const { code } = await this.existingAgency(repository, input.agencyCode);
      const credential = await this.insertKey(repository, actor, now, code, label, this.expiryOf(input.expiresAt, now), material);
      return { key: material.key, credential: this.summary(credential, now) };
    });
  }

  private async insertKey(
    repository: PolicyRepository,
    actor: Actor,
    now: string,
    agencyCode: string,
    label: string | null,
    expiresAt: string,
    material: IssuedKeyMaterial,
  ) {
    if (await repository.credentialById(material.id)) throw conflict(`An API key with id ${material.id} exists already`);
    const credential: CredentialRecord = {
      id: material.id,
      agencyCode,
      label,
      secretHash: material.secretHash,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      replacedBy: null,
    };
    await repository.insertCredential(credential);
    await this.record(repository, actor, now, 'CREATE_KEY', 'CREDENTIAL', credential.id, null, this.summary(credential, now));
    return credential;
  }

  private async liveCredential(repository: PolicyRepository, id: string, now: string): Promise<CredentialRecord> {
    const credential = await repository.credentialById(id);
    if (!credential) throw notFound(`Unknown API key "${printable(id)}"`);
    const status = credentialStatus(credential, now);
    if (status !== 'ACTIVE') throw conflict(`The API key ${id} is ${status.toLowerCase()} already`);
    return credential;
  }

  /**
   * Given a key id, makes its successor for the same agency and returns it whole; the old key keeps working
   * for the grace period (never past its own expiry), then stops.
   */
  async rotateApiKey(actor: Actor, input: RotateKeyInput): Promise<IssuedApiKey> {
    const graceSeconds = input.graceSeconds ?? this.rotationGraceMs / 1000;
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 24 * 3600) {
      throw badInput(`The grace period must be a whole number of seconds from 0 to ${30 * 24 * 3600} (30 days), got ${graceSeconds}`);
    }
    const material = generateApiKey();
    return this.change(async (repository, now) => {
      const before = await this.liveCredential(repository, input.id, now);
      const successor = await this.insertKey(repository, actor, now, before.agencyCode, before.label, this.expiryOf(input.expiresAt, now), material);
      const graceEnd = new Date(Date.parse(now) + graceSeconds * 1000).toISOString();
      const after: CredentialRecord = { ...before, expiresAt: graceEnd < before.expiresAt ? graceEnd : before.expiresAt, replacedBy: successor.id };
      await repository.updateCredential(after);
      await this.record(repository, actor, now, 'ROTATE_KEY', 'CREDENTIAL', before.id, this.summary(before, now), this.summary(after, now));
      return { key: material.key, credential: this.summary(successor, now) };
    });
  }

  /** Given a key id, revokes the key at once; CONFLICT when it no longer works anyway. */
  async revokeApiKey(actor: Actor, id: string): Promise<CredentialSummary> {
    return this.change(async (repository, now) => {
      const before = await this.liveCredential(repository, id, now);
      const after: CredentialRecord = { ...before, revokedAt: now };
      await repository.updateCredential(after);
      await this.record(repository, actor, now, 'REVOKE_KEY', 'CREDENTIAL', id, this.summary(before, now), this.summary(after, now));
      return this.summary(after, now);
    });
  }

  /** Given an optional agency, whether to show revoked grants and an approval status, returns grants with their status now. */
  async listGrants(filter: { agencyCode?: string | null; includeRevoked?: boolean | null; approvalStatus?: string | null } = {}): Promise<GrantView[]> {
    if (filter.agencyCode) await this.existingAgency(this.repository, filter.agencyCode);
    const approvalStatus = filter.approvalStatus
      ? oneOf(filter.approvalStatus, ['APPROVED', 'PENDING_APPROVAL', 'REJECTED'] as const satisfies readonly ApprovalStatus[], 'approval status')
      : null;
    const now = this.now().toISOString();
    const grants = await this.repository.grants({ agencyCode: filter.agencyCode ?? null, includeRevoked: filter.includeRevoked ?? false, approvalStatus });
    return grants.map((grant) => this.view(grant, now));
  }

  async grant(id: string): Promise<GrantView | null> {
    const grant = /^\d{1,9}$/.test(id) ? await this.repository.grantById(Number(id)) : null;
    return grant ? this.view(grant) : null;
  }

  /**
   * Given a grant, checks it (agency, target, purposes, legal basis, scope, masks, validity, no overlap with
   * another grant of the agency on the same target) and stores it. A grant that reaches sensitive personal data
   * is stored waiting for a second policy steward's approval (four eyes), and opens nothing until then.
   */
  async createGrant(actor: Actor, input: GrantInput): Promise<GrantView> {
    const prepared = this.prepareGrant(input);
    return this.change((repository, now) => this.storeGrant(repository, actor, now, prepared, null));
  }

  /** Given a grant as written, returns it checked against the schema, or throws BAD_USER_INPUT; nothing is read from the store. */
  prepareGrant(input: GrantInput): PreparedGrant {
    return { input, ...grantTermsOf(input, this.schema()) };
  }

  /**
   * Given a prepared grant, stores it within the change's transaction after the checks that read the store, with
   * its review's state (waiting for a second steward when it reaches sensitive data) and its history entry.
   */
  async storeGrant(repository: PolicyRepository, actor: Actor, now: string, prepared: PreparedGrant, sharingRequestId: string | null): Promise<GrantView> {
    const created = await this.insertCheckedGrant(repository, actor, now, prepared, { sharingRequestId, replaces: null });
    const action = created.approval.status === 'PENDING_APPROVAL' ? 'REQUEST_GRANT' : 'CREATE_GRANT';
    await this.record(repository, actor, now, action, 'GRANT', created.id, null, created);
    return this.view(created, now);
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
    const agency = await this.existingAgency(repository, input.agencyCode, true);
    const { code: agencyCode } = agency;
    const validFrom = input.validFrom ? parseInstant(input.validFrom, 'validFrom') : now;
    const validTo = input.validTo ? parseInstant(input.validTo, 'validTo') : null;
    if (validTo !== null && validTo <= validFrom) throw badInput(`validTo ${validTo} is not after validFrom ${validFrom}`);
    if (validTo !== null && validTo <= now) throw badInput(`validTo ${validTo} has passed already: the grant would never be in force`);
    // The scope must name communes in force when the grant starts to apply: today, or its later start.
    if (scopeUnitCodes !== null) await this.assertCommunes(repository, scopeUnitCodes, 'scope unit codes', validFrom > now ? validFrom : now);
    // What the grant rests on must be in the register, and not replaced on the day it starts.
    const cited = await citedInstruments(repository.register(), prepared.legalInstruments, vietnamDay(validFrom));
    const legalInstruments = cited.map((instrument) => instrument.number);
    const legalBasis = prepared.legalBasis || citationText(cited);
    const reviewed = needsFourEyes(target, this.schema().catalog) && !seedsWithoutReview(actor);
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
  async replaceGrant(actor: Actor, id: string, input: GrantInput, reason: string | null = null): Promise<GrantReplacement<GrantView>> {
    const prepared = this.prepareGrant(input);
    const note = reason === null || reason.trim() === '' ? null : requiredText(reason, 'The reason for the change', 500);
    return this.change(async (repository, now) => {
      // The agency's row is locked first: two changes of its grants at once are checked one after the other.
      const { code } = await this.existingAgency(repository, input.agencyCode, true);
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
      return { replaced: this.view(replaced, now), replacement: this.view(replacement, now) };
    });
  }

  /**
   * Given a grant waiting for review, approves it (it is in force from then on, by its validity) or rejects it
   * with a reason: a second policy steward's decision, never the requester's own (FOUR_EYES_REQUIRED). The approval
   * of a replacement revokes the grant it replaces in the same transaction; its rejection leaves that grant in force.
   */
  async decideGrant(actor: Actor, id: string, decision: { approve: boolean; reason?: string | null }): Promise<GrantView> {
    const reason = decision.approve ? decision.reason?.trim() || null : requiredText(decision.reason, 'The reason for rejecting the grant', 500);
    return this.change(async (repository, now) => {
      const before = /^\d{1,9}$/.test(id) ? await repository.grantById(Number(id)) : null;
      if (!before) throw notFound(`Unknown grant "${printable(id)}"`);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked already, at ${before.revokedAt}`);
      assertSecondSteward(actor, before, (person) => actorColumns(person).actor);
      const scope = queueScopeOf(actor);
      const sector = scope.kind === 'AGENCY' ? ((await repository.agencyByCode(scope.agencyCode, true))?.sector ?? null) : null;
      assertEntitledToOwnerQueue(scope, sector, before.target, this.schema().catalog);
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
      return this.view(after, now);
    });
  }

  /** Given an agency's code, deactivates it (its credentials stop at once, its grants stop applying) or reactivates it; history kept. */
  async setAgencyActive(actor: Actor, code: string, active: boolean): Promise<Agency> {
    return this.change(async (repository, now) => {
      const before = await this.existingAgency(repository, code, true);
      if (Boolean(before.deactivatedAt) !== active) throw conflict(`The agency ${before.code} is ${active ? 'active' : 'deactivated'} already`);
      const after: Agency = { ...before, deactivatedAt: active ? null : now };
      await repository.setDeactivation(before.code, after.deactivatedAt ?? null);
      await this.record(repository, actor, now, active ? 'REACTIVATE_AGENCY' : 'DEACTIVATE_AGENCY', 'AGENCY', before.code, before, after);
      return after;
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
    return this.change(async (repository, now) => {
      const before = /^\d{1,9}$/.test(id) ? await repository.grantById(Number(id)) : null;
      if (!before) throw notFound(`Unknown grant "${printable(id)}"`);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked at ${before.revokedAt}: make a new grant instead`);
      const cited = await citedInstruments(repository.register(), input.legalInstruments, vietnamDay(before.validFrom > now ? before.validFrom : now));
      const after: StoredGrant = { ...before, legalInstruments: cited.map((instrument) => instrument.number), legalBasis: note ?? citationText(cited) };
      await repository.updateGrantLegalBasis(Number(id), after.legalInstruments, after.legalBasis);
      await this.record(repository, actor, now, 'CITE_LEGAL_BASIS', 'GRANT', id, before, after);
      return this.view(after, now);
    });
  }

  /** Given a grant id, revokes the grant at once; NOT_FOUND when unknown, CONFLICT when revoked already. */
  async revokeGrant(actor: Actor, id: string): Promise<GrantView> {
    return this.change(async (repository, now) => {
      const before = /^\d{1,9}$/.test(id) ? await repository.grantById(Number(id)) : null;
      if (!before) throw notFound(`Unknown grant "${printable(id)}"`);
      if (before.revokedAt !== null) throw conflict(`Grant ${id} was revoked already, at ${before.revokedAt}`);
      return this.revokeGrantIn(repository, actor, now, before);
    });
  }

  /** Given an unrevoked grant, revokes it within the change's transaction, with its history entry. */
  async revokeGrantIn(repository: PolicyRepository, actor: Actor, now: string, before: StoredGrant): Promise<GrantView> {
    const after: StoredGrant = { ...before, revokedAt: now };
    await repository.revokeGrant(Number(before.id), now);
    await this.record(repository, actor, now, 'REVOKE_GRANT', 'GRANT', before.id, before, after);
    return this.view(after, now);
  }

  /**
   * Given the province's whole list of administrative units, checks it and puts it in place of the one the
   * store knew, recorded in the history with the counts before and after; the same list again changes
   * nothing. Unit codes given afterwards (grant scopes, agencies' units) are checked against it; grants and
   * agencies already stored are kept.
   */
  async loadUnits(actor: Actor, input: readonly UnitInput[]): Promise<{ units: number; communesInForce: number; changed: boolean }> {
    const units = unitsOf(input);
    return this.change(async (repository, now) => {
      const today = now.slice(0, 10);
      const communesInForce = units.filter(
        (unit) => unit.level === 'COMMUNE' && unit.validFrom <= today && (unit.validTo === null || unit.validTo >= today),
      ).length;
      const before = await repository.units();
      const sameList = before.length === units.length && JSON.stringify(before) === JSON.stringify([...units].sort((a, b) => a.code.localeCompare(b.code)));
      if (sameList) return { units: units.length, communesInForce, changed: false };
      await repository.replaceUnits(units);
      await this.record(
        repository,
        actor,
        now,
        'LOAD_UNITS',
        'UNITS',
        'administrative_units',
        { units: before.length },
        { units: units.length, communesInForce },
      );
      return { units: units.length, communesInForce, changed: true };
    });
  }

  /** Given a search, returns one page of the administrative units the store knows, with their status today (unitSearch.ts). */
  async searchUnits(search: UnitSearch): Promise<UnitPage> {
    return searchUnits(await this.repository.units(), search, this.now().toISOString().slice(0, 10));
  }

  /** Given a filter, returns the history of changes, newest first. */
  async changes(filter: ChangesFilter = {}): Promise<PolicyChange[]> {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES_PAGE) throw badInput(`limit must be from 1 to ${MAX_CHANGES_PAGE}, got ${limit}`);
    const entityType = filter.entityType ? oneOf(filter.entityType, POLICY_ENTITIES, 'entity type') : null;
    return this.repository.changes({ limit, beforeId: filter.before ?? null, entityType, entityId: filter.entityId ?? null });
  }

  /**
   * Given an agency (or null for anonymous), a purpose and an operation, returns the decision the gateway
   * would take on it now, field by field, with the rule, the grant, and what grant would open a denied field.
   */
  async explain(input: ExplainInput): Promise<Decision> {
    const purpose: Purpose | null = input.purpose ? oneOf(input.purpose, PURPOSES, 'purpose') : null;
    const now = input.at ? new Date(parseInstant(input.at, 'at')) : this.now();
    const snapshot = await this.repository.loadSnapshot();
    let principal: Principal = { kind: 'ANONYMOUS' };
    if (input.agencyCode !== null) {
      const agency = snapshot.agencies.get(input.agencyCode);
      if (!agency) throw notFound(`Unknown agency "${printable(input.agencyCode)}"`);
      principal = { kind: 'AGENCY', agency, credentialId: 'explain', userId: null };
    }
    const { catalog, apiSchema } = this.schema();
    const outcome = decideOperation({
      schema: apiSchema,
      catalog,
      snapshot,
      principal,
      purpose,
      query: input.query,
      operationName: input.operationName ?? null,
      variables: input.variables ?? null,
      now,
    });
    if ('problem' in outcome) throw badInput(outcome.problem);
    return outcome.decision;
  }
}
