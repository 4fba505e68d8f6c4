import { printable } from '../../common/nationalId';
import { decideOperation } from '../policy/decideOperation';
import { PURPOSES } from '../policy/types';
import type { Agency, Decision, Principal, Purpose } from '../policy/types';
import type { IssuedKeyMaterial } from './apiKeys';
import { AgencyStewardship } from './agencyStewardship';
import { ApiKeyStewardship } from './apiKeyStewardship';
import { badInput, notFound } from './errors';
import { oneOf } from './grantInput';
import type { SchemaFacts } from './grantInput';
import type { GrantReplacement } from './grantReplacement';
import { GrantStewardship } from './grantStewardship';
import type { PolicyRepository } from './policyRepository';
import type { Actor, PolicyChange, PolicyEntity } from './types';
import { LegalRegister } from '../register/legalRegister';
import { POLICY_ENTITIES } from './types';
import { unitsOf } from './unitCodes';
import { searchUnits } from './unitSearch';
import type { UnitPage, UnitSearch } from './unitSearch';
import type { UnitInput } from './unitCodes';
import { StewardshipCore } from './stewardshipCore';
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
import { parseInstant } from './stewardshipTerms';

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

/**
 * The steward's operations on the policy store, shared by the admin API and the command line. Each
 * change runs in one transaction with its entry in the history (who, when, what, before and after), whose
 * id becomes the policy version; input that fails a check is refused with a stable code and changes nothing.
 * The agencies', the keys' and the grants' operations are each a class of their own; this one answers for all.
 */
export class Stewardship {
  private readonly core: StewardshipCore;
  private readonly agencies: AgencyStewardship;
  private readonly keys: ApiKeyStewardship;
  private readonly grants: GrantStewardship;
  /** The legal register grants cite, on the same store, clock and change notification. */
  readonly register: LegalRegister;

  constructor(options: StewardshipOptions) {
    this.core = new StewardshipCore(options);
    this.agencies = new AgencyStewardship(this.core);
    this.keys = new ApiKeyStewardship(this.core, options.rotationGraceMs ?? 0);
    this.grants = new GrantStewardship(this.core);
    this.register = new LegalRegister({ repository: options.repository, now: this.core.now, ...(options.onChange ? { onChange: options.onChange } : {}) });
  }

  /** Returns the time on the store's clock: the instant reviews and statuses are judged at. */
  currentTime(): Date {
    return this.core.now();
  }

  /** Returns the catalog, the API schema and its type names: what the catalogue describes. */
  schemaDescription(): SchemaFacts {
    return this.core.schema();
  }

  /** The catalog and API schema, derived from the supergraph once, when first needed: what grants and operations are checked against. */
  schema(): SchemaFacts {
    return this.core.schema();
  }

  /** Runs a change and its history entry in one transaction, then tells onChange: also for changes made beside this class's own (sharing requests). */
  change<T>(work: (repository: PolicyRepository, now: string) => Promise<T>): Promise<T> {
    return this.core.change(work);
  }

  /** Given a change's parts, records it in the history within the change's transaction. */
  record(repository: PolicyRepository, actor: Actor, now: string, action: string, entityType: PolicyEntity, entityId: string, before: unknown, after: unknown) {
    return this.core.record(repository, actor, now, action, entityType, entityId, before, after);
  }

  /** Returns the policy version: the id of the latest change. */
  version(): Promise<number> {
    return this.core.repository.version();
  }

  // Agencies (agencyStewardship.ts).
  listAgencies(): Promise<Agency[]> {
    return this.agencies.list();
  }
  agency(code: string): Promise<Agency | null> {
    return this.agencies.byCode(code);
  }
  createAgency(actor: Actor, input: AgencyInput): Promise<Agency> {
    return this.agencies.create(actor, input);
  }
  updateAgency(actor: Actor, code: string, patch: AgencyPatch): Promise<Agency> {
    return this.agencies.update(actor, code, patch);
  }
  setAgencyActive(actor: Actor, code: string, active: boolean): Promise<Agency> {
    return this.agencies.setActive(actor, code, active);
  }

  // API keys (apiKeyStewardship.ts).
  listApiKeys(agencyCode: string | null = null): Promise<CredentialSummary[]> {
    return this.keys.list(agencyCode);
  }
  createApiKey(actor: Actor, input: ApiKeyInput, material?: IssuedKeyMaterial): Promise<IssuedApiKey> {
    return this.keys.create(actor, input, material);
  }
  rotateApiKey(actor: Actor, input: RotateKeyInput): Promise<IssuedApiKey> {
    return this.keys.rotate(actor, input);
  }
  revokeApiKey(actor: Actor, id: string): Promise<CredentialSummary> {
    return this.keys.revoke(actor, id);
  }

  // Grants (grantStewardship.ts).
  listGrants(filter: Parameters<GrantStewardship['list']>[0] = {}): Promise<GrantView[]> {
    return this.grants.list(filter);
  }
  grant(id: string): Promise<GrantView | null> {
    return this.grants.byId(id);
  }
  createGrant(actor: Actor, input: GrantInput): Promise<GrantView> {
    return this.grants.create(actor, input);
  }
  prepareGrant(input: GrantInput): PreparedGrant {
    return this.grants.prepare(input);
  }
  storeGrant(repository: PolicyRepository, actor: Actor, now: string, prepared: PreparedGrant, sharingRequestId: string | null): Promise<GrantView> {
    return this.grants.store(repository, actor, now, prepared, sharingRequestId);
  }
  replaceGrant(actor: Actor, id: string, input: GrantInput, reason: string | null = null): Promise<GrantReplacement<GrantView>> {
    return this.grants.replace(actor, id, input, reason);
  }
  decideGrant(actor: Actor, id: string, decision: { approve: boolean; reason?: string | null }): Promise<GrantView> {
    return this.grants.decide(actor, id, decision);
  }
  citeLegalBasis(actor: Actor, id: string, input: Pick<GrantInput, 'legalInstruments' | 'legalBasis'>): Promise<GrantView> {
    return this.grants.citeLegalBasis(actor, id, input);
  }
  revokeGrant(actor: Actor, id: string): Promise<GrantView> {
    return this.grants.revoke(actor, id);
  }
  revokeGrantIn(...args: Parameters<GrantStewardship['revokeIn']>): Promise<GrantView> {
    return this.grants.revokeIn(...args);
  }

  /**
   * Given the province's whole list of administrative units, checks it and puts it in place of the one the
   * store knew, recorded in the history with the counts before and after; the same list again changes
   * nothing. Unit codes given afterwards (grant scopes, agencies' units) are checked against it; grants and
   * agencies already stored are kept.
   */
  async loadUnits(actor: Actor, input: readonly UnitInput[]): Promise<{ units: number; communesInForce: number; changed: boolean }> {
    const units = unitsOf(input);
    return this.core.change(async (repository, now) => {
      const today = now.slice(0, 10);
      const communesInForce = units.filter(
        (unit) => unit.level === 'COMMUNE' && unit.validFrom <= today && (unit.validTo === null || unit.validTo >= today),
      ).length;
      const before = await repository.units();
      const sameList = before.length === units.length && JSON.stringify(before) === JSON.stringify([...units].sort((a, b) => a.code.localeCompare(b.code)));
      if (sameList) return { units: units.length, communesInForce, changed: false };
      await repository.replaceUnits(units);
      await this.core.record(
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
    return searchUnits(await this.core.repository.units(), search, this.core.now().toISOString().slice(0, 10));
  }

  /** Given a filter, returns the history of changes, newest first. */
  async changes(filter: ChangesFilter = {}): Promise<PolicyChange[]> {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES_PAGE) throw badInput(`limit must be from 1 to ${MAX_CHANGES_PAGE}, got ${limit}`);
    const entityType = filter.entityType ? oneOf(filter.entityType, POLICY_ENTITIES, 'entity type') : null;
    return this.core.repository.changes({ limit, beforeId: filter.before ?? null, entityType, entityId: filter.entityId ?? null });
  }

  /**
   * Given an agency (or null for anonymous), a purpose and an operation, returns the decision the gateway
   * would take on it now, field by field, with the rule, the grant, and what grant would open a denied field.
   */
  async explain(input: ExplainInput): Promise<Decision> {
    const purpose: Purpose | null = input.purpose ? oneOf(input.purpose, PURPOSES, 'purpose') : null;
    const now = input.at ? new Date(parseInstant(input.at, 'at')) : this.core.now();
    const snapshot = await this.core.repository.loadSnapshot();
    let principal: Principal = { kind: 'ANONYMOUS' };
    if (input.agencyCode !== null) {
      const agency = snapshot.agencies.get(input.agencyCode);
      if (!agency) throw notFound(`Unknown agency "${printable(input.agencyCode)}"`);
      principal = { kind: 'AGENCY', agency, credentialId: 'explain', userId: null };
    }
    const { catalog, apiSchema } = this.core.schema();
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
