import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';
import { SharingRepository } from './sharingRepository';
import type { AgencyDeactivationRow, AgencyRow, CredentialRow, GatewayUnitRow, GrantRow, PolicyChangeRow } from '../../db/gatewayRows';
import { RegisterRepository } from '../register/registerRepository';
import type { Agency, Grant, GrantTarget, PersonalDataLevel, SharingClass } from '../policy/types';
import { quotaSettingKey } from '../quotas/quotaTypes';
import { QuotaRepository } from './quotaRepository';
import { OperationRepository } from './operationRepository';
import type { AdministrativeUnit, ApprovalStatus, CredentialRecord, GrantApproval, PolicyChange, PolicyEntity, StoreSnapshot } from './types';

/** A grant as the store keeps it: the grant and where it stands in the four-eyes review. */
export type StoredGrant = Grant & { approval: GrantApproval };

/** A grant's target as stored: its kind, one text column, and a classification's limits; equal for equal targets. */
type EncodedTarget = Pick<GrantRow, 'target' | 'target_sector' | 'target_types'> & { target_kind: GrantTarget['kind'] };

function encodeTarget(target: GrantTarget): EncodedTarget {
  switch (target.kind) {
    case 'FIELD':
      return { target_kind: 'FIELD', target: target.coordinate, target_sector: null, target_types: null };
    case 'TYPE':
      return { target_kind: 'TYPE', target: target.typeName, target_sector: null, target_types: null };
    case 'CLASSIFICATION':
      return {
        target_kind: 'CLASSIFICATION',
        target: `${target.sharing}/${target.personal}`,
        target_sector: target.sector ?? null,
        target_types: target.typeNames ? JSON.stringify([...target.typeNames].sort()) : null,
      };
  }
}

function decodeTarget(row: GrantRow): GrantTarget {
  if (row.target_kind === 'FIELD') return { kind: 'FIELD', coordinate: row.target };
  if (row.target_kind === 'TYPE') return { kind: 'TYPE', typeName: row.target };
  const [sharing, personal] = row.target.split('/') as [SharingClass, PersonalDataLevel];
  return {
    kind: 'CLASSIFICATION',
    sharing,
    personal,
    ...(row.target_sector ? { sector: row.target_sector } : {}),
    ...(row.target_types ? { typeNames: JSON.parse(row.target_types) as string[] } : {}),
  };
}

const toUnit = (row: GatewayUnitRow): AdministrativeUnit => ({
  code: row.code,
  name: row.name,
  level: row.level,
  validFrom: row.valid_from,
  validTo: row.valid_to,
  replacedBy: row.replaced_by_code,
});

const toAgency = (row: AgencyRow): Agency => ({
  code: row.code,
  name: row.name,
  sector: row.sector,
  unitCodes: JSON.parse(row.unit_codes) as string[],
  steward: Boolean(row.steward),
  ...(row.deactivated_at ? { deactivatedAt: row.deactivated_at } : {}),
});

const toCredential = (row: CredentialRow): CredentialRecord => ({
  id: row.id,
  agencyCode: row.agency_code,
  label: row.label,
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  replacedBy: row.replaced_by,
});

const toGrant = (row: GrantRow): StoredGrant => ({
  id: String(row.id),
  agencyCode: row.agency_code,
  target: decodeTarget(row),
  purposes: JSON.parse(row.purposes) as Grant['purposes'],
  legalBasis: row.legal_basis,
  legalInstruments: row.legal_instruments === null ? [] : (JSON.parse(row.legal_instruments) as string[]),
  scopeUnitCodes: row.scope_unit_codes === null ? null : (JSON.parse(row.scope_unit_codes) as string[]),
  masks: JSON.parse(row.masks) as Grant['masks'],
  validFrom: row.valid_from,
  validTo: row.valid_to,
  revokedAt: row.revoked_at,
  approval: {
    status: (row.approval_status ?? 'APPROVED') as ApprovalStatus,
    requestedBy: row.requested_by ?? null,
    decidedBy: row.decided_by ?? null,
    decidedAt: row.decided_at ?? null,
    reason: row.decision_reason ?? null,
    sharingRequestId: row.sharing_request_id === null || row.sharing_request_id === undefined ? null : String(row.sharing_request_id),
    replacesGrantId: row.replaces_grant_id === null || row.replaces_grant_id === undefined ? null : String(row.replaces_grant_id),
  },
});

/** Given a stored grant, returns the grant alone, as decisions read it. */
const grantOnly = ({ approval: _approval, ...grant }: StoredGrant): Grant => grant;

const toChange = (row: PolicyChangeRow): PolicyChange => ({
  id: Number(row.id),
  changedAt: row.changed_at,
  actor: row.actor,
  credentialId: row.credential_id,
  actorRole: row.actor_role ?? null,
  reason: row.reason ?? null,
  action: row.action,
  entityType: row.entity_type as PolicyEntity,
  entityId: row.entity_id,
  ...(row.related_entity_id ? { relatedEntityId: row.related_entity_id } : {}),
  before: row.before_json === null ? null : JSON.parse(row.before_json),
  after: row.after_json === null ? null : JSON.parse(row.after_json),
});

/** What a change records, before the store numbers it. */
export type NewPolicyChange = Omit<PolicyChange, 'id'>;

/** The gateway database's queries: the only module of the policy store that holds SQL. */
export class PolicyRepository {
  constructor(private readonly db: Knex) {}

  /** Returns the legal register's queries, on the same connection or transaction as this repository. */
  register(): RegisterRepository {
    return new RegisterRepository(this.db);
  }

  /** Given work on a repository, runs it in one transaction: all of its writes land, or none. */
  transaction<T>(work: (repository: PolicyRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((transaction) => work(new PolicyRepository(transaction)));
  }

  /** The approved operations' queries, in this repository's transaction when it is one. */
  operations(): OperationRepository {
    return new OperationRepository(this.db);
  }

  /** Returns the policy version: the id of the latest change, 0 before the first. */
  async version(): Promise<number> {
    const row = (await this.db('policy_changes').max({ version: 'id' }).first()) as { version: number | string | null } | undefined;
    return Number(row?.version ?? 0);
  }

  /**
   * Returns a snapshot of the whole store. The version is read first: a change that lands while the rest
   * is read makes the snapshot look older than its data, so the next poll reloads it rather than missing it.
   * Only approved grants of active agencies are in it: a grant waiting for a second steward, or one of an
   * agency that was deactivated, opens nothing.
   */
  async loadSnapshot(): Promise<StoreSnapshot> {
    const version = await this.version();
    const [agencies, grants, credentials, quotas, approvedOperations] = await Promise.all([
      this.agencies(),
      this.grants({ includeRevoked: false }),
      this.credentials(),
      this.quotas().settings(),
      this.operations().approvedOperations(),
    ]);
    const active = new Set(agencies.filter((agency) => !agency.deactivatedAt).map((agency) => agency.code));
    const grantsByAgency = new Map<string, Grant[]>();
    for (const stored of grants) {
      if (stored.approval.status !== 'APPROVED' || !active.has(stored.agencyCode)) continue;
      const grant = grantOnly(stored);
      const list = grantsByAgency.get(grant.agencyCode) ?? [];
      list.push(grant);
      grantsByAgency.set(grant.agencyCode, list);
    }
    return {
      version,
      agencies: new Map(agencies.map((agency) => [agency.code, agency])),
      grantsByAgency,
      credentials: new Map(credentials.map((credential) => [credential.id, credential])),
      quotas: new Map(quotas.map((setting) => [quotaSettingKey(setting.agencyCode, setting.credentialId), setting])),
      approvedOperations,
    };
  }

  /** The quotas' queries, on the same connection or transaction. */
  quotas(): QuotaRepository {
    return new QuotaRepository(this.db);
  }

  /** The agencies table with each agency's deactivation, if any. */
  private agencyRows() {
    return this.db<AgencyRow>('agencies')
      .leftJoin('agency_deactivations', 'agency_deactivations.agency_code', 'agencies.code')
      .select('agencies.*', 'agency_deactivations.deactivated_at');
  }

  async agencies(): Promise<Agency[]> {
    return ((await this.agencyRows().orderBy('agencies.code')) as AgencyRow[]).map(toAgency);
  }

  /**
   * Given an agency code, returns the agency or null. Inside a transaction on MySQL the row stays locked
   * until the end, so that two stewards granting to one agency at once are checked one after the other.
   */
  async agencyByCode(code: string, lock = false): Promise<Agency | null> {
    const query = this.agencyRows().where('agencies.code', code).first();
    // SQLite runs one writer at a time already (and knex warns on FOR UPDATE there).
    if (lock && isMysql(this.db)) query.forUpdate();
    const row = (await query) as AgencyRow | undefined;
    return row ? toAgency(row) : null;
  }

  async insertAgency(agency: Agency, now: string): Promise<void> {
    await this.db<AgencyRow>('agencies').insert({
      code: agency.code,
      name: agency.name,
      sector: agency.sector,
      unit_codes: JSON.stringify(agency.unitCodes),
      steward: agency.steward,
      created_at: now,
      updated_at: now,
    });
  }

  async updateAgency(agency: Agency, now: string): Promise<void> {
    await this.db<AgencyRow>('agencies')
      .where('code', agency.code)
      .update({
        name: agency.name,
        sector: agency.sector,
        unit_codes: JSON.stringify(agency.unitCodes),
        steward: agency.steward,
        updated_at: now,
      });
  }

  /** Given an agency's code and when it was deactivated (null: it is active again), records it. */
  async setDeactivation(code: string, at: string | null): Promise<void> {
    await this.db<AgencyDeactivationRow>('agency_deactivations').where('agency_code', code).delete();
    if (at !== null) await this.db<AgencyDeactivationRow>('agency_deactivations').insert({ agency_code: code, deactivated_at: at });
  }

  /** Given an agency code or null for every agency, returns the credentials, oldest first. */
  async credentials(agencyCode: string | null = null): Promise<CredentialRecord[]> {
    const query = this.db<CredentialRow>('credentials').orderBy([{ column: 'created_at' }, { column: 'id' }]);
    if (agencyCode !== null) query.where('agency_code', agencyCode);
    return (await query).map(toCredential);
  }

  async credentialById(id: string): Promise<CredentialRecord | null> {
    const row = await this.db<CredentialRow>('credentials').where('id', id).first();
    return row ? toCredential(row) : null;
  }

  async insertCredential(credential: CredentialRecord): Promise<void> {
    await this.db<CredentialRow>('credentials').insert({
      id: credential.id,
      agency_code: credential.agencyCode,
      label: credential.label,
      secret_hash: credential.secretHash,
      created_at: credential.createdAt,
      expires_at: credential.expiresAt,
      revoked_at: credential.revokedAt,
      replaced_by: credential.replacedBy,
    });
  }

  /** Given a credential as it is to be, writes what may change of it: expiry, revocation, successor. */
  async updateCredential(credential: CredentialRecord): Promise<void> {
    await this.db<CredentialRow>('credentials')
      .where('id', credential.id)
      .update({ expires_at: credential.expiresAt, revoked_at: credential.revokedAt, replaced_by: credential.replacedBy });
  }

  /** Given an optional agency and whether to include revoked grants, returns grants by agency and id. */
  async grants(filter: { agencyCode?: string | null; includeRevoked: boolean; approvalStatus?: ApprovalStatus | null }): Promise<StoredGrant[]> {
    const query = this.db<GrantRow>('grants').orderBy([{ column: 'agency_code' }, { column: 'id' }]);
    if (filter.agencyCode) query.where('agency_code', filter.agencyCode);
    if (!filter.includeRevoked) query.whereNull('revoked_at');
    if (filter.approvalStatus) query.where('approval_status', filter.approvalStatus);
    return (await query).map(toGrant);
  }

  async grantById(id: number): Promise<StoredGrant | null> {
    const row = await this.db<GrantRow>('grants').where('id', id).first();
    return row ? toGrant(row) : null;
  }

  /** Given an agency and a target, returns that agency's unrevoked grants on exactly that target, limits included, a rejected one left out. */
  async activeGrantsOnTarget(agencyCode: string, target: GrantTarget): Promise<StoredGrant[]> {
    const { target_sector: sector, target_types: types, ...encoded } = encodeTarget(target);
    const query = this.db<GrantRow>('grants')
      .where({ agency_code: agencyCode, ...encoded })
      .whereNull('revoked_at')
      .whereNot('approval_status', 'REJECTED')
      .orderBy('id');
    if (sector === null) query.whereNull('target_sector');
    else query.where('target_sector', sector);
    if (types === null) query.whereNull('target_types');
    else query.where('target_types', types);
    return (await query).map(toGrant);
  }

  /** Given a grant's id, returns the unrevoked grants waiting for review that were asked for in its place. */
  async pendingReplacementsOf(id: number): Promise<StoredGrant[]> {
    const rows = await this.db<GrantRow>('grants').where({ replaces_grant_id: id, approval_status: 'PENDING_APPROVAL' }).whereNull('revoked_at').orderBy('id');
    return rows.map(toGrant);
  }

  /** Given a grant without its id, stores it and returns the id given to it. */
  async insertGrant(grant: Omit<StoredGrant, 'id'>, now: string): Promise<string> {
    const [id] = await this.db<GrantRow>('grants').insert({
      agency_code: grant.agencyCode,
      ...encodeTarget(grant.target),
      purposes: JSON.stringify(grant.purposes),
      legal_basis: grant.legalBasis,
      legal_instruments: JSON.stringify(grant.legalInstruments),
      scope_unit_codes: grant.scopeUnitCodes === null ? null : JSON.stringify(grant.scopeUnitCodes),
      masks: JSON.stringify(grant.masks),
      valid_from: grant.validFrom,
      valid_to: grant.validTo,
      revoked_at: grant.revokedAt,
      created_at: now,
      approval_status: grant.approval.status,
      requested_by: grant.approval.requestedBy,
      decided_by: grant.approval.decidedBy,
      decided_at: grant.approval.decidedAt,
      decision_reason: grant.approval.reason,
      sharing_request_id: grant.approval.sharingRequestId === null ? null : Number(grant.approval.sharingRequestId),
      replaces_grant_id: grant.approval.replacesGrantId === null ? null : Number(grant.approval.replacesGrantId),
    });
    return String(id);
  }

  /** Given a grant's id and its review's outcome, records who decided, when and why. */
  async decideGrant(id: number, approval: GrantApproval): Promise<void> {
    await this.db<GrantRow>('grants').where('id', id).update({
      approval_status: approval.status,
      decided_by: approval.decidedBy,
      decided_at: approval.decidedAt,
      decision_reason: approval.reason,
    });
  }

  /** Returns the repository of sharing requests over the same connection (or transaction). */
  sharing(): SharingRepository {
    return new SharingRepository(this.db);
  }

  /** Given a grant's id and what it is to cite, writes its legal basis: the register's entries and the text. */
  async updateGrantLegalBasis(id: number, legalInstruments: readonly string[], legalBasis: string): Promise<void> {
    await this.db<GrantRow>('grants')
      .where('id', id)
      .update({ legal_instruments: JSON.stringify(legalInstruments), legal_basis: legalBasis });
  }

  async revokeGrant(id: number, at: string): Promise<void> {
    await this.db<GrantRow>('grants').where('id', id).update({ revoked_at: at });
  }

  /** Given unit codes, returns those units the store knows, by code. */
  async unitsByCodes(codes: readonly string[]): Promise<Map<string, AdministrativeUnit>> {
    const rows = codes.length === 0 ? [] : await this.db<GatewayUnitRow>('administrative_units').whereIn('code', [...codes]);
    return new Map(rows.map((row) => [row.code, toUnit(row)]));
  }

  /** Returns every administrative unit the store knows, by code. */
  async units(): Promise<AdministrativeUnit[]> {
    return (await this.db<GatewayUnitRow>('administrative_units').orderBy('code')).map(toUnit);
  }

  /** Returns how many administrative units the store knows. */
  async unitCount(): Promise<number> {
    const row = (await this.db('administrative_units').count({ count: '*' }).first()) as { count: number | string } | undefined;
    return Number(row?.count ?? 0);
  }

  /** Given the province's whole list of units, replaces the one the store knows. */
  async replaceUnits(units: readonly AdministrativeUnit[]): Promise<void> {
    await this.db('administrative_units').delete();
    const rows: GatewayUnitRow[] = units.map((unit) => ({
      code: unit.code,
      name: unit.name,
      level: unit.level,
      valid_from: unit.validFrom,
      valid_to: unit.validTo,
      replaced_by_code: unit.replacedBy,
    }));
    // Small batches keep each statement under SQLite's limit on bound parameters.
    for (let start = 0; start < rows.length; start += 100) await this.db('administrative_units').insert(rows.slice(start, start + 100));
  }

  /** Given a change, records it in the history; its id becomes the policy version. */
  async recordChange(change: NewPolicyChange): Promise<number> {
    const [id] = await this.db<PolicyChangeRow>('policy_changes').insert({
      changed_at: change.changedAt,
      actor: change.actor,
      credential_id: change.credentialId,
      actor_role: change.actorRole,
      reason: change.reason,
      action: change.action,
      entity_type: change.entityType,
      entity_id: change.entityId,
      related_entity_id: change.relatedEntityId ?? null,
      before_json: change.before === null ? null : JSON.stringify(change.before),
      after_json: change.after === null ? null : JSON.stringify(change.after),
    });
    return Number(id);
  }

  /** Given a page size, an optional id to read below, and an optional entity, returns changes newest first: those naming the entity as either of theirs. */
  async changes(filter: { limit: number; beforeId?: number | null; entityType?: PolicyEntity | null; entityId?: string | null }): Promise<PolicyChange[]> {
    const query = this.db<PolicyChangeRow>('policy_changes').orderBy('id', 'desc').limit(filter.limit);
    if (filter.beforeId) query.where('id', '<', filter.beforeId);
    if (filter.entityType) query.where('entity_type', filter.entityType);
    // A change naming the entity as its second one (a replacement names the grant it revoked) is in the entity's history too.
    const { entityId } = filter;
    if (entityId) query.where((named) => named.where('entity_id', entityId).orWhere('related_entity_id', entityId));
    return (await query).map(toChange);
  }
}
